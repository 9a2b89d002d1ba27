"""A page request that fails gets a page in the platform's layout with a way home; the API and every client
that does not ask for HTML keep the JSON error shape."""
import pytest

from gateway import create_app

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_an_unknown_address_in_a_browser_is_the_404_page(client):
    response = client.get("/no/such/page", headers=BROWSER)
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert 'data-testid="error-page"' in html and "页面不存在" in html and 'href="/" data-testid="error-home"' in html
    assert 'class="site-header"' in html and "/no/such/page" in html          # the layout, and what was asked for
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path, headers", [("/api/v1/nothing", BROWSER), ("/no/such/page", {}),
                                           ("/no/such/page", {"Accept": "application/json"}),
                                           ("/no/such/page", {"Accept": "*/*"})])
def test_the_api_and_clients_not_asking_for_html_get_json(client, path, headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 404 and response.is_json
    assert response.get_json()["code"] == "NOT_FOUND"


def test_a_failing_page_is_the_error_page_with_the_correlation_id_and_the_api_stays_json():
    app = create_app({"SANDBOX": True, "TESTING": False, "PROPAGATE_EXCEPTIONS": False,
                      "AMQP_URI": "pyamqp://guest:guest@127.0.0.1:1/", "RPC_TIMEOUT": 1})

    @app.route("/boom")
    def boom():
        raise ValueError("internal detail")

    client = app.test_client()
    page = client.get("/boom", headers=BROWSER)
    html = page.get_data(as_text=True)
    assert page.status_code == 500 and "系统异常" in html and "错误编号" in html and "internal detail" not in html
    api = client.get("/boom")
    assert api.status_code == 500 and api.get_json()["code"] == "INTERNAL_ERROR"


def test_the_favicon_is_served_and_every_page_names_it(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/x-icon" and icon.data[:4] == b"\0\0\1\0"
    assert client.get("/static/favicon.svg").status_code == 200
    page = client.get("/help", headers=BROWSER).get_data(as_text=True)
    assert 'rel="icon" href="/static/favicon.svg"' in page and 'href="/favicon.ico"' in page
