"""External providers of the profile service, each a small interface + sandbox + signed HTTP client.

Configuration picks the implementation: ``SANDBOX`` truthy → the sandboxes, else the HTTP clients
with the ``QUALIFICATION_*``, ``CHSI_*`` and ``EMPLOYER_*`` keys named in each module.
"""
from .degrees import DegreeCheck, DegreeChecker, build_degree_checker
from .employers import Employer, EmployerDirectory, build_employer_directory
from .qualifications import QualificationLibrary, QualificationRecord, build_qualification_library
from .signing import ProviderUnavailable

__all__ = ["DegreeCheck", "DegreeChecker", "Employer", "EmployerDirectory", "ProviderUnavailable",
           "QualificationLibrary", "QualificationRecord", "build_degree_checker", "build_employer_directory",
           "build_qualification_library"]
