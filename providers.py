"""The read-only provider registry: who a connection can talk to, and with what settings."""
from dataclasses import dataclass

from flask_smorest import abort
from marshmallow import fields

from api import blp
from schemas import ma

CAPABILITIES = ("Chat", "Embedding")


@dataclass(frozen=True)
class Setting:
    alias: str
    name: str
    description: str
    is_required: bool = False
    is_sensitive: bool = False
    type: str = "string"
    default_value: object = None


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    capabilities: tuple
    settings: tuple

    def setting(self, alias):
        return next((s for s in self.settings if s.alias == alias), None)


def _api_key(description):
    return Setting("apiKey", "API Key", description, is_required=True, is_sensitive=True)


def _endpoint(description, required=False):
    return Setting("endpoint", "Endpoint", description, is_required=required)


PROVIDERS = {p.id: p for p in (
    Provider("openai", "OpenAI", ("Chat", "Embedding"), (
        _api_key("Your OpenAI API key"),
        Setting("organizationId", "Organization ID", "Your OpenAI organization ID (optional)"),
        _endpoint("A custom endpoint URL (optional)"),
    )),
    Provider("anthropic", "Anthropic", ("Chat",), (
        _api_key("Your Anthropic API key"),
        _endpoint("A custom endpoint URL (optional)"),
    )),
    Provider("google", "Google", ("Chat", "Embedding"), (
        _api_key("Your Google AI API key"),
    )),
    Provider("amazon", "Amazon Bedrock", ("Chat", "Embedding"), (
        Setting("region", "Region", "The AWS region, such as us-east-1"),
        Setting("accessKeyId", "Access Key ID", "The AWS access key ID",
                is_required=True, is_sensitive=True),
        Setting("secretAccessKey", "Secret Access Key", "The AWS secret access key",
                is_required=True, is_sensitive=True),
        _endpoint("A custom endpoint URL (optional)"),
    )),
    Provider("microsoft-foundry", "Microsoft AI Foundry", ("Chat", "Embedding"), (
        _endpoint("Your Microsoft AI Foundry endpoint URL", required=True),
        _api_key("Your Microsoft AI Foundry API key"),
    )),
)}


class Capability(fields.String):
    """`Chat` or `Embedding`, any case on the way in, canonical on the way out."""
    def __init__(self, **kwargs):
        # The spec's way of saying "any case": each letter either way.
        any_case = "|".join("".join(f"[{ch.upper()}{ch.lower()}]" for ch in c) for c in CAPABILITIES)
        super().__init__(metadata={"pattern": f"^({any_case})$"}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        canonical = next((c for c in CAPABILITIES if c.lower() == text.lower()), None)
        if canonical is None:
            raise ma.ValidationError(f"Capability must be one of {', '.join(CAPABILITIES)}.")
        return canonical


def providers_with(capability):
    return [p.id for p in PROVIDERS.values() if capability in p.capabilities]


def mask(value):
    """What a response shows of a sensitive setting: never the secret itself."""
    if not isinstance(value, str) or value.startswith("$"):
        return value  # "$OpenAI:ApiKey" names configuration, it is not a secret
    return "***" if len(value) < 8 else value[:3] + "***"


def settings_errors(provider, settings):
    """Messages keyed by setting alias; empty when the settings suit the provider."""
    errors = {}
    for key, value in settings.items():
        setting = provider.setting(key)
        if setting is None:
            errors[key] = [f"Unknown setting '{key}' for provider '{provider.id}'."]
        elif setting.is_sensitive and value is not None and not isinstance(value, str):
            errors[key] = [f"{setting.name} must be a string."]
        elif not (value is None or isinstance(value, (str, int, float, bool))):
            errors[key] = [f"{setting.name} must be a string, number, boolean or null."]
    for setting in provider.settings:
        value = settings.get(setting.alias)
        blank = value is None or (isinstance(value, str) and not value.strip())
        if setting.is_required and setting.alias not in errors and blank:
            errors[setting.alias] = [f"{setting.name} is required."]
    return errors


class SettingSchema(ma.Schema):
    alias = fields.String()
    name = fields.String()
    description = fields.String()
    type = fields.String()
    isRequired = fields.Boolean(attribute="is_required")
    isSensitive = fields.Boolean(attribute="is_sensitive")
    defaultValue = fields.Raw(attribute="default_value", allow_none=True)


class ProviderSchema(ma.Schema):
    id = fields.String()
    name = fields.String()
    capabilities = fields.List(fields.String())


class ProviderDetailSchema(ProviderSchema):
    settings = fields.List(fields.Nested(SettingSchema))


@blp.route("/providers")
@blp.response(200, ProviderSchema(many=True))
def list_providers():
    """List the AI providers a connection can use."""
    return list(PROVIDERS.values())


@blp.route("/providers/<provider_id>")
@blp.response(200, ProviderDetailSchema)
@blp.problems(404)
def get_provider(provider_id):
    """Get one provider with the settings a connection to it takes."""
    provider = PROVIDERS.get(provider_id)
    if provider is None:
        abort(404, detail=f"Provider '{provider_id}' not found")
    return provider
