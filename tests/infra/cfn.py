"""template.yaml, transformed offline and created as a stack in moto, for tests/infra.

- `sam_transform` runs the AWS SAM translator (what CloudFormation's
  AWS::Serverless-2016-10-31 transform runs) with local CodeUri/ContentUri replaced by the
  S3 locations `sam package` would upload them to.
- `for_moto` removes what moto's CloudFormation cannot create, and says why
  (`MOTO_CANNOT_CREATE`); nothing is replaced by a stand-in.
- `Resolver` evaluates the intrinsic functions of the transformed template against the
  stack moto created, so tests can compare concrete ARNs.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "template.yaml"
ARTIFACT_BUCKET = "claimsearch-artifacts-test"
REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's default account

# moto 5 CloudFormation: resource types it cannot create, and why. These are checked on the
# transformed template instead (tests/infra/test_template.py).
MOTO_CANNOT_CREATE = {
    "AWS::ApiGateway::RestApi": "moto ignores the OpenAPI Body in which SAM defines every route",
    "AWS::ApiGateway::Deployment": "fails in moto: the RestApi it deploys has no methods (see RestApi)",
    "AWS::ApiGateway::Stage": "no CloudFormation model in moto",
    "AWS::ApiGateway::ApiKey": "no CloudFormation model in moto",
    "AWS::ApiGateway::UsagePlan": "no CloudFormation model in moto",
    "AWS::ApiGateway::UsagePlanKey": "no CloudFormation model in moto",
    "AWS::ApiGateway::Account": "no CloudFormation model in moto",
    "AWS::S3::BucketPolicy": "no CloudFormation model in moto (applied with the S3 API by the tests)",
    "AWS::SQS::QueuePolicy": "no CloudFormation model in moto",
    "AWS::CloudWatch::Alarm": "no CloudFormation model in moto",
    "AWS::OpenSearchService::Domain": "no CloudFormation model in moto (the stack brings an endpoint)",
}
# Permissions whose SourceArn names the REST API go with it.
DEPENDS_ON_DROPPED = "AWS::Lambda::Permission"

# The stack tests create: bring-your-own OpenSearch endpoint, since moto has no domain.
EXISTING_DOMAIN_PARAMETERS = {
    "Stage": "test",
    "OpenSearchEndpoint": "https://search-claimsearch-test-abc123.eu-west-1.es.amazonaws.com",
    "OpenSearchDomainName": "claimsearch-test",
    "ConfigureApiGatewayAccount": "false",
}
CREATE_DOMAIN_PARAMETERS = {"Stage": "test"}


def load_template() -> dict[str, Any]:
    from samtranslator.yaml_helper import yaml_parse

    template: dict[str, Any] = yaml_parse(TEMPLATE.read_text(encoding="utf-8"))
    return template


def artifact_key(local_path: str) -> str:
    """Where `sam package` would put a local CodeUri/ContentUri (here: a stable name)."""
    return local_path.strip("/") + ".zip"


class _NoManagedPolicies:
    """The template names managed policies by full ARN only, so SAM never looks one up."""

    def load(self) -> dict[str, str]:
        return {}


@cache
def _transform(parameters_json: str) -> str:
    from samtranslator.translator.transform import transform

    template = load_template()
    for resource in template["Resources"].values():
        properties = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if isinstance(properties.get(key), str):
                properties[key] = f"s3://{ARTIFACT_BUCKET}/{artifact_key(properties[key])}"
    result = transform(template, json.loads(parameters_json), _NoManagedPolicies(), passthrough_metadata=True)
    return json.dumps(result)


def sam_transform(parameters: dict[str, str]) -> dict[str, Any]:
    """template.yaml as CloudFormation sees it after the SAM transform (a fresh copy)."""
    result: dict[str, Any] = json.loads(_transform(json.dumps(parameters, sort_keys=True)))
    return result


def code_locations(template: dict[str, Any]) -> list[str]:
    """The local CodeUri/ContentUri paths of the source template."""
    found = []
    for resource in template["Resources"].values():
        for key in ("CodeUri", "ContentUri"):
            value = resource.get("Properties", {}).get(key)
            if isinstance(value, str):
                found.append(value)
    return found


def _mentions(value: Any, names: set[str]) -> bool:
    text = json.dumps(value)
    return any(
        f'"{name}"' in text or "${" + name + "}" in text or "${" + name + "." in text for name in names
    )


def for_moto(transformed: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(template moto can create, {logical id: type} of what was left out)."""
    from moto.cloudformation.parsing import get_model_map

    supported = get_model_map()
    template = copy.deepcopy(transformed)
    resources = template["Resources"]
    dropped = {
        name: resource["Type"]
        for name, resource in resources.items()
        if resource["Type"] not in supported or resource["Type"] in MOTO_CANNOT_CREATE
    }
    for name, resource in resources.items():
        if resource["Type"] == DEPENDS_ON_DROPPED and _mentions(resource["Properties"], set(dropped)):
            dropped[name] = resource["Type"]
    for name in dropped:
        del resources[name]
    for resource in resources.values():
        depends = resource.get("DependsOn")
        if depends is not None:
            kept = [d for d in ([depends] if isinstance(depends, str) else depends) if d not in dropped]
            if kept:
                resource["DependsOn"] = kept
            else:
                del resource["DependsOn"]
    template["Outputs"] = {
        key: output
        for key, output in template.get("Outputs", {}).items()
        if not _mentions(output, set(dropped))
    }
    return template, dropped


# What `Ref: AWS::NoValue` resolves to: the key or item holding it is left out, as CloudFormation does.
NO_VALUE = object()


class Resolver:
    """Evaluates Ref, Fn::GetAtt, Fn::Sub, Fn::If, Fn::Join, Fn::Split and conditions against a moto stack."""

    def __init__(
        self,
        template: dict[str, Any],
        parameters: dict[str, str],
        physical_ids: dict[str, str],
        attributes: dict[tuple[str, str], str],
    ) -> None:
        self.template = template
        self.values: dict[str, Any] = {
            name: spec.get("Default") for name, spec in template.get("Parameters", {}).items()
        }
        self.values.update(parameters)
        self.values.update(
            {
                "AWS::Region": REGION,
                "AWS::AccountId": ACCOUNT,
                "AWS::Partition": "aws",
                "AWS::URLSuffix": "amazonaws.com",
            }
        )
        self.physical_ids = physical_ids
        self.attributes = attributes

    def condition(self, name: str) -> bool:
        return bool(self.resolve(self.template["Conditions"][name]))

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [item for item in map(self.resolve, value) if item is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Ref":
                return self._ref(argument)
            if key == "Fn::GetAtt":
                resource, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
                return self.attributes[(resource, attribute)]
            if key == "Fn::Sub":
                return self._sub(argument)
            if key == "Fn::If":
                name, when_true, when_false = argument
                return self.resolve(when_true if self.condition(name) else when_false)
            if key == "Fn::Equals":
                left, right = self.resolve(argument)
                return str(left) == str(right)
            if key == "Fn::Not":
                return not self.resolve(argument[0])
            if key == "Fn::Join":
                separator, items = argument
                return separator.join(str(item) for item in self.resolve(items))
            if key == "Fn::Split":
                separator, text = argument
                return str(self.resolve(text)).split(separator)
            if key == "Condition":
                return self.condition(argument)
        resolved = {key: self.resolve(item) for key, item in value.items()}
        return {key: item for key, item in resolved.items() if item is not NO_VALUE}

    def _ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.values:
            return self.values[name]
        return self.physical_ids[name]

    def _sub(self, argument: Any) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else argument
        local = {name: self.resolve(value) for name, value in variables.items()}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in local:
                return str(local[name])
            if "." in name and not name.startswith("AWS::"):
                resource, attribute = name.split(".", 1)
                return str(self.attributes[(resource, attribute)])
            return str(self._ref(name))

        return re.sub(r"\$\{([^}]+)\}", replace, text)
