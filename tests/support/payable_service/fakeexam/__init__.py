"""A stand-in for the exam service, built on the kit's skeleton, that speaks only the payment seam
(shared brief exam-payment-seam.md): it answers `exam.payable(id)` and consumes `payment_succeeded` /
`payment_refunded`, emitting `enrollment_payment_rejected` for a second payment. Used until the real exam
service is on main (tests start it only when the registry has no `exam`)."""
