"""Drives Kiln's REST API as a client that knows only HTTP and the OpenAPI description would:
urllib for the calls, openapi-spec-validator for the description, and jsonschema to check
every answer against the schema the description gives for it.

Reads {"url", "standby_url", "token"} as JSON on stdin and prints what it saw as JSON.
"""

import json
import sys
import time
import urllib.error
import urllib.request

import jsonschema
import referencing
from openapi_spec_validator import validate

request = json.load(sys.stdin)
base, token = request["url"] + "/api/v1", request["token"]


def call(method, path, body=None, authorized=True, url=None, raw=False):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request((url or base) + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if authorized:
        req.add_header("Authorization", "Bearer " + token)
    try:
        response = urllib.request.urlopen(req, timeout=30)
        status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode()
    if raw:
        return status, text
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


status, document = call("GET", "/openapi.json")
assert status == 200, (status, document)
validate(document)  # raises when the description is not valid OpenAPI 3.1
registry = referencing.Registry().with_resource(
    "urn:kiln", referencing.Resource.from_contents(document, referencing.jsonschema.DRAFT202012)
)


def check(value, path, method="get", code="200"):
    """Checks `value` against the description's schema of that answer."""
    responses = document["paths"]["/api/v1" + path][method]["responses"]
    content = responses[code]["content"]
    schema = next(iter(content.values()))["schema"]
    reference = {"$ref": "urn:kiln" + schema["$ref"]}
    jsonschema.Draft202012Validator(reference, registry=registry).validate(value)


seen = {"unauthorized": {}}
for method, path in [("GET", "/openapi.json"), ("GET", "/jobs"), ("POST", "/jobs")]:
    status, _ = call(method, path, body={} if method == "POST" else None, authorized=False)
    seen["unauthorized"][method + " " + path] = status

spec = {
    "name": "rest-sum",
    "labels": {"team": "rest"},
    "steps": [{"name": "query", "sql": "SELECT SUM(x) AS total FROM (VALUES (1), (2), (39)) AS t(x)"}],
}
status, submitted = call("POST", "/jobs", {"spec": spec})
assert status == 200, (status, submitted)
check(submitted, "/jobs", "post")
job_id = submitted["job_id"]

deadline = time.time() + 60
while True:
    status, job = call("GET", "/jobs/" + job_id)
    assert status == 200, (status, job)
    if job["state"] not in ("JOB_STATE_QUEUED", "JOB_STATE_RUNNING") or time.time() > deadline:
        break
    time.sleep(0.2)
check(job, "/jobs/{job_id}")
seen["job"] = job

status, listed = call("GET", "/jobs?state=JOB_STATE_SUCCEEDED&labels=team=rest&limit=1")
assert status == 200, (status, listed)
check(listed, "/jobs")
seen["listed"] = [j["job_id"] for j in listed["jobs"]]
status, other = call("GET", "/jobs?labels=team=nobody")
seen["listed_other_team"] = len(other["jobs"])

status, tasks = call("GET", "/jobs/%s/tasks?with_logs=true" % job_id)
assert status == 200, (status, tasks)
check(tasks, "/jobs/{job_id}/tasks")
seen["attempts"] = len(tasks["attempts"])
seen["attempt_states"] = sorted({a["state"] for a in tasks["attempts"]})

# The stream of a job's states, as a browser's EventSource reads it.
status, events = call("GET", "/jobs/%s/watch" % job_id, raw=True)
states = []
for line in events.splitlines():
    if line.startswith("data:"):
        message = json.loads(line[len("data:"):])
        check(message, "/jobs/{job_id}/watch")
        states.append(message["state"])
seen["watched"] = {"status": status, "states": states}

status, cancelled = call("POST", "/jobs/%s/cancel" % job_id)
seen["cancel_finished"] = cancelled

status, error = call("GET", "/jobs/no-such-job")
check(error, "/jobs/{job_id}", code="default")
seen["missing"] = {"status": status, "error": error["error"]}
status, error = call("GET", "/jobs?colour=red")
seen["bad_query"] = {"status": status, "message": error["error"]["message"]}
status, error = call("POST", "/jobs", {"spec": {"name": 7}})
seen["bad_body"] = {"status": status, "message": error["error"]["message"]}
status, error = call("DELETE", "/jobs")
seen["wrong_method"] = status

status, executors = call("GET", "/executors")
check(executors, "/executors")
seen["executors"] = len(executors["executors"])
status, version = call("GET", "/version")
check(version, "/version")
seen["version"] = version
status, databases = call("GET", "/databases")
check(databases, "/databases")
seen["databases"] = status

# A stored job definition, started through the API.
definition = {"name": "rest-nightly", "toml": 'name = "nightly"\n[[step]]\nname = "q"\nsql = "SELECT 1"\n'}
status, stored = call("POST", "/definitions", {"definition": definition, "create_only": True})
assert status == 200, (status, stored)
check(stored, "/definitions", "post")
status, again = call("POST", "/definitions", {"definition": definition, "create_only": True})
seen["definition_again"] = status
status, started = call("POST", "/definitions/rest-nightly/start", {"params": {}})
assert status == 200, (status, started)
seen["definition_started"] = started

# A standby answers as the leader does: it passes the call on.
status, job_on_standby = call("GET", "/jobs/" + job_id, url=request["standby_url"] + "/api/v1")
seen["standby"] = {"status": status, "state": job_on_standby.get("state")}

print(json.dumps(seen))
