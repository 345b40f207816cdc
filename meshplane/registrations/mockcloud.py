"""What the mock cloud answers for each resource: an ID and its state, derived from the inputs alone.

The mock engine (`meshplane.registrations.engine`) answers the program with these, and the inventory built without
the engine (`meshplane.registrations.inventory_build.build`) resolves the same outputs from them, so the two agree.
"""

from __future__ import annotations

import hashlib

from components import tokens


def mock_state(token: str, name: str, inputs: dict, account: str, region: str) -> tuple[str, dict]:
    """(ID, state) of the resource `name` of type `token` with `inputs`, in `account` and `region`."""
    state = dict(inputs)
    if token == tokens.KEY:
        key_id = uuid(name)
        state.update(keyId=key_id, arn=f"arn:aws:kms:{region}:{account}:key/{key_id}")
        return key_id, state
    if token == tokens.BUCKET:
        state["arn"] = f"arn:aws:s3:::{state['bucket']}"
        return state["bucket"], state
    if token == tokens.ROLE:
        state["arn"] = f"arn:aws:iam::{account}:role/{state['name']}"
        return state["name"], state
    if token == tokens.MANAGED_POLICY:
        state["arn"] = f"arn:aws:iam::{account}:policy{state.get('path', '/')}{state['name']}"
        return state["arn"], state
    if token == tokens.ACCESS_POINT:
        state["arn"] = f"arn:aws:s3:{region}:{state.get('accountId', account)}:accesspoint/{state['name']}"
        return f"{state.get('accountId', account)}:{state['name']}", state
    if token == tokens.KEY_GRANT:
        state["grantId"] = uuid(name)
        return f"{state['keyId']}:{state['grantId']}", state
    if token == tokens.TABLE:
        return f"{state['databaseName']}:{state['name']}", state
    if token == tokens.DATABASE:
        return state["name"], state
    if token == tokens.ORG_POLICY:
        policy_id = "p-" + hashlib.sha256(name.encode()).hexdigest()[:8]
        state["arn"] = f"arn:aws:organizations::{account}:policy/o-meshplane/{state['type'].lower()}/{policy_id}"
        return policy_id, state
    if token == tokens.TOPIC:
        state["arn"] = f"arn:aws:sns:{region}:{account}:{state['name']}"
        return state["arn"], state
    if token == tokens.TOPIC_SUBSCRIPTION:
        state["arn"] = f"{state['topic']}:{uuid(name)}"
        return state["arn"], state
    if token == tokens.TOPIC_POLICY:
        return state["arn"], state
    if token == tokens.METRIC_ALARM:
        state["arn"] = f"arn:aws:cloudwatch:{region}:{account}:alarm:{state['name']}"
        return state["name"], state
    if token == tokens.EVENT_RULE:
        state["arn"] = f"arn:aws:events:{region}:{account}:rule/{state['name']}"
        return state["name"], state
    if token == tokens.EVENT_TARGET:
        return f"{state['rule']}-{state['targetId']}", state
    if token == tokens.SCHEDULE:
        state["arn"] = f"arn:aws:scheduler:{region}:{account}:schedule/default/{state['name']}"
        return f"default/{state['name']}", state
    if token == tokens.DQ_RULESET:
        return state["name"], state
    if token == tokens.DASHBOARD:
        state["dashboardArn"] = f"arn:aws:cloudwatch::{account}:dashboard/{state['dashboardName']}"
        return state["dashboardName"], state
    if token == tokens.BUCKET_METRIC:
        return f"{state['bucket']}:{state['name']}", state
    if token.startswith("aws:") and "arn" not in state:
        state["arn"] = f"arn:aws:{token.split(':')[1].split('/')[0]}:{region}:{account}:{name}"
    return f"{name}-id", state


def uuid(name: str) -> str:
    h = hashlib.sha256(name.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
