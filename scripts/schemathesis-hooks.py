"""Schemathesis hooks for scripts/schemathesis, and the seed of its ledger.

As hooks (SCHEMATHESIS_HOOKS): who signs in for which operation, and how a JSON Lines body is
sent. Each identity signs in through POST /api/login and signs in again when its token has ended
(a generated sign-out or "end the sessions" may end it). As a program (`python3 THIS seed`): the
ledger a generated request needs to reach business logic.

Environment: QIANGKE_ST_BASE (http://127.0.0.1:PORT), QIANGKE_ST_PASSWORD (the password of the
bootstrap admin and of every seeded user).
"""

import json
import os
import random
import sys
import urllib.error
import urllib.request

BASE = os.environ["QIANGKE_ST_BASE"]
PASSWORD = os.environ["QIANGKE_ST_PASSWORD"]

# Operations only a reviewer of the verifying department may do (the seeded awards are the tax
# bureau's), only finance may do, and the sign-out (which ends the token it carries).
REVIEWER_OPERATIONS = ["verify_award", "decide_award", "second_approval", "list_objections", "rule_objection"]
FINANCE_OPERATIONS = ["mark_paid", "create_payment", "get_payment", "reverse_payout", "appropriate"]
LOGOUT_OPERATIONS = ["logout"]
# The admin's work is shared by three admins: each user may make 1,200 changes a minute.
USER_OPERATIONS = ["create_user", "list_users", "update_user", "set_password", "revoke_sessions"]
MONITORING_OPERATIONS = ["import", "record_observations", "list_observations", "record_task_updates", "list_task_updates", "report"]
# Only an entity answers a proposal of a round: the entity the seeded round proposed awards to.
CONFIRM_OPERATIONS = ["confirm_award"]
# The users the run signs in as, one per role it needs.
USERS = {
    "st-admin": {"role": "admin"},
    "st-admin-users": {"role": "admin"},
    "st-admin-monitoring": {"role": "admin"},
    "st-tax": {"role": "reviewer", "department": "tax-bureau"},
    "st-finance": {"role": "finance"},
    "st-logout": {"role": "entity", "entity": 2},
    "st-confirm": {"role": "entity", "entity": 3},
}


def call(method, path, body=None, token=None, content_type="application/json"):
    """One request; returns (status, parsed JSON or text)."""
    data = None
    if body is not None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    request = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", content_type)
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            status, text = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, text


def sign_in(username):
    status, body = call("POST", "/api/login", {"username": username, "password": PASSWORD, "session": "bearer"})
    if status != 200:
        raise RuntimeError(f"signing in as {username}: {status} {body}")
    return body["token"]


def seed():
    """The bootstrap admin registers two entities, records their facts and applies for both (three
    awards: two for the tax bureau to verify, one for the science and industry bureaus), registers a
    third with the same facts and opens the 2023 round (its two awards proposed), and creates
    the users the run signs in as; the tax bureau's reviewer approves and decides the first award
    (a payout for finance), the admin publishes it (公示) and an objection to it is filed for the
    tax bureau to settle. Prints a `NAME=VALUE` line for the shell."""

    def must(status_body, expected):
        status, body = status_body
        if status != expected:
            raise RuntimeError(f"seeding: expected {expected}, got {status}: {body}")
        return body

    admin = sign_in("admin")
    e1 = must(call("POST", "/api/entities", {"uscc": "91620600123456788A", "name": "甲公司", "kind": "enterprise", "county": "liangzhou"}, admin), 201)["id"]
    e2 = must(call("POST", "/api/entities", {"uscc": "91620621MA71234565", "name": "乙公司", "kind": "enterprise", "county": "minqin"}, admin), 201)["id"]
    facts = {
        "source": "2023年度报告",
        "facts": [{"year": 2023, "name": "rd_expenditure", "value": "15000000"},
                  {"year": 2023, "name": "super_deduction_amount", "value": "3000000"}, {"name": "above_scale", "value": True}],
        "events": [{"type": "recognition", "date": "2023-11-20", "kind": "high_tech", "renewal": False}],
    }
    for e in (e1, e2):
        must(call("POST", f"/api/entities/{e}/facts", facts, admin), 201)
        must(call("POST", "/api/applications", {"entity_id": e, "claim_year": 2023}, admin), 201)
    # A third entity applies for nothing: the 2023 round proposes its awards (awaiting its answer).
    e3 = must(call("POST", "/api/entities", {"uscc": "916206007192486564", "name": "丙公司", "kind": "enterprise", "county": "gulang"}, admin), 201)["id"]
    must(call("POST", f"/api/entities/{e3}/facts", facts, admin), 201)
    must(call("POST", "/api/rounds", {"claim_year": 2023}, admin), 201)
    entities = {1: e1, 2: e2, 3: e3}
    users = dict(USERS)
    # Users of the other roles, for the generated ids to find; and the user a generated change of a
    # user by id acts on instead of one the run signs in as (see `before_call`).
    users.update({"st-county": {"role": "county", "county": "liangzhou"}, "st-entity": {"role": "entity", "entity": 1},
                  "st-target": {"role": "entity", "entity": 2}})
    ids = {}
    for name, scope in users.items():
        scope = dict(scope)
        if "entity" in scope:
            scope["entity_id"] = entities[scope.pop("entity")]
        ids[name] = must(call("POST", "/api/users", {"username": name, "password": PASSWORD, **scope}, admin), 201)["id"]
    # The document's example user, so that its example sign-in signs in.
    status, doc = call("GET", "/api/openapi.json")
    example = doc["components"]["schemas"]["NewUser"]["examples"][0]
    must(call("POST", "/api/users", example, admin), 201)
    observations = "indicator,scope,year,value,unit,source,entered_by\ntech-progress-contribution,city,2023,60,%,市统计局,张三\n"
    must(call("POST", "/api/observations", observations, admin, "text/csv"), 201)
    must(call("POST", "/api/task-updates", "task,date,unit,text,value\n3-1-1,2023-06-30,science-bureau,启动,\n", admin, "text/csv"), 201)
    tax = sign_in("st-tax")
    status, awards = call("GET", "/api/awards?status=pending", token=tax)
    first = awards["awards"][0]["id"]
    must(call("POST", f"/api/awards/{first}/verification", {"verdict": "approve", "reason": "加计扣除申报核实"}, tax), 200)
    must(call("POST", f"/api/awards/{first}/decision", {"amount": "200000", "reason": "按档"}, tax), 200)
    # 公示: the decided award published, and an objection to it for the tax bureau to settle.
    listed = must(call("POST", "/api/publications", {"title": "2023年度科技创新奖补资金拟兑现名单公示", "claim_year": 2023}, admin), 201)
    objection = must(call("POST", f"/api/publications/{listed['id']}/objections",
                          {"award_id": first, "reason": "研发投入数据有误", "contact": "0935-2212345"}), 201)["id"]
    protected = ",".join(str(ids[name]) for name in USERS)
    status, awards = call("GET", "/api/awards?status=pending", token=admin)
    proposals = ",".join(str(a["id"]) for a in awards["awards"] if a["entity"]["id"] == e3 and a["confirmation"] == "awaiting")
    if not proposals:
        raise RuntimeError(f"seeding: the round proposed nothing to 丙公司: {awards}")
    print(f"QIANGKE_ST_USERS={protected}:{ids['st-target']}:{proposals}:{objection}")


if __name__ == "__main__":
    if sys.argv[1:] != ["seed"]:
        sys.exit("usage: schemathesis-hooks.py seed")
    seed()
else:
    import schemathesis

    class _Bearer:
        """Signs in as `username` and sends the token as `Authorization: Bearer …`."""

        username = ""

        def get(self, case, context):
            return sign_in(self.username)

        def set(self, case, token, context):
            case.headers = case.headers or {}
            case.headers["Authorization"] = "Bearer " + token

    @schemathesis.auth(retry_on=[401]).apply_to(operation_id=REVIEWER_OPERATIONS)
    class Reviewer(_Bearer):
        username = "st-tax"

    @schemathesis.auth(retry_on=[401]).apply_to(operation_id=FINANCE_OPERATIONS)
    class Finance(_Bearer):
        username = "st-finance"

    # The sign-out ends the token it carries: it gets a user of its own, so the others' tokens
    # live on (after the first sign-out it carries an ended token, which is still a valid request).
    @schemathesis.auth(retry_on=[]).apply_to(operation_id=LOGOUT_OPERATIONS)
    class SignOut(_Bearer):
        username = "st-logout"

    @schemathesis.auth(retry_on=[401]).apply_to(operation_id=USER_OPERATIONS)
    class UsersAdmin(_Bearer):
        username = "st-admin-users"

    @schemathesis.auth(retry_on=[401]).apply_to(operation_id=MONITORING_OPERATIONS)
    class MonitoringAdmin(_Bearer):
        username = "st-admin-monitoring"

    @schemathesis.auth(retry_on=[401]).apply_to(operation_id=CONFIRM_OPERATIONS)
    class Confirming(_Bearer):
        username = "st-confirm"

    @schemathesis.auth(retry_on=[401]).skip_for(
        operation_id=REVIEWER_OPERATIONS + FINANCE_OPERATIONS + LOGOUT_OPERATIONS + USER_OPERATIONS + MONITORING_OPERATIONS + CONFIRM_OPERATIONS
    )
    class Admin(_Bearer):
        username = "st-admin"

    _protected, _target, _proposals, _objection = os.environ["QIANGKE_ST_USERS"].split(":")
    _PROTECTED = set(_protected.split(","))
    _PROPOSALS = [int(i) for i in _proposals.split(",")]
    # Reproducible choices (the run's seed).
    _CHOICE = random.Random(20260612)

    @schemathesis.hook
    def before_call(context, case, kwargs):
        """A change of a user by id that names a user the run signs in as (an admin may disable,
        demote or re-password anyone) acts on `st-target` instead: otherwise nothing after it would
        be tested as that user. Only valid ids are redirected; a refused request changes nothing."""
        if case.operation.path.startswith("/api/users/{id}") and str((case.path_parameters or {}).get("id")) in _PROTECTED:
            case.path_parameters["id"] = int(_target)
        # A generated award id almost never names one of the few proposals awaiting st-confirm's
        # answer: half of the confirmations are sent for one of them (the first is answered, 200;
        # the others find it answered, 409), the rest keep their generated id (403, 404).
        if case.operation.path == "/api/awards/{id}/confirmation" and case.path_parameters and _CHOICE.random() < 0.5:
            case.path_parameters["id"] = _CHOICE.choice(_PROPOSALS)
        # Likewise half of the rulings are sent for the objection the seed filed against the tax
        # bureau's decision (the first settles it, 200; the others find it settled, 409).
        if case.operation.path == "/api/objections/{id}/ruling" and case.path_parameters and _CHOICE.random() < 0.5:
            case.path_parameters["id"] = int(_objection)

    # Bulk imports also take JSON Lines: text on the wire, like text/csv.
    schemathesis.serializer.alias("application/x-ndjson", "text/plain")
