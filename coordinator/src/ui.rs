//! The web UI: pages for jobs (with their stage graph, task timeline and log tails, live
//! while they run), executors, the catalog, crawlers, schedules and triggers, drawn in the
//! browser from the REST API. Its files are built into the binary, so it works on a cluster
//! with no internet. The pages themselves hold no data and are open; what they show comes
//! from the API, which needs the token: a sign-in form keeps it in an HTTP-only cookie.

use axum::Router;
use axum::extract::{Form, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use kiln_core::auth::RequireToken;
use kiln_core::http::TOKEN_COOKIE;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

const INDEX: &str = include_str!("../ui/index.html");
const SCRIPT: &str = include_str!("../ui/app.js");
const STYLE: &str = include_str!("../ui/style.css");

/// The UI's routes: `/` leads to `/ui/`; `/ui/login` checks a token against `require`.
pub(crate) fn routes(require: RequireToken) -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::to("/ui/") }))
        .route("/ui", get(|| async { Redirect::to("/ui/") }))
        .route(
            "/ui/",
            get(|| async { asset("text/html; charset=utf-8", INDEX) }),
        )
        .route(
            "/ui/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", SCRIPT) }),
        )
        .route(
            "/ui/style.css",
            get(|| async { asset("text/css; charset=utf-8", STYLE) }),
        )
        .route("/ui/login", post(login))
        .route("/ui/logout", post(logout))
        .with_state(require)
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            // The UI's own files only: no inline script, nothing from elsewhere.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

/// The sign-in form's fields.
#[derive(serde::Deserialize)]
struct SignIn {
    token: String,
}

/// Checks the token and keeps it in the cookie the API accepts; back to the form with
/// `?login=failed` when it is not accepted.
async fn login(State(require): State<RequireToken>, Form(form): Form<SignIn>) -> Response {
    let bearer = format!("Bearer {}", form.token);
    if require.check(Some(bearer.as_bytes())).is_err() {
        return Redirect::to("/ui/?login=failed").into_response();
    }
    let cookie = format!(
        "{TOKEN_COOKIE}={}; HttpOnly; SameSite=Strict; Path=/",
        utf8_percent_encode(&form.token, NON_ALPHANUMERIC)
    );
    ([(header::SET_COOKIE, cookie)], Redirect::to("/ui/")).into_response()
}

/// Forgets the cookie.
async fn logout() -> Response {
    let cookie = format!("{TOKEN_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    ([(header::SET_COOKIE, cookie)], Redirect::to("/ui/")).into_response()
}
