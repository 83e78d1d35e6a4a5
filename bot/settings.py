"""Process settings, read from the environment once and passed in where needed.

Only this module reads the environment. Organisation data (plans, accounts, people) lives in
the YAML file named by ``DESKBOT_CONFIG``; see :mod:`bot.config`.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_CONFIG = PROJECT_ROOT / "deskbot.example.yaml"
SAMPLE_KNOWLEDGE_BASE = PROJECT_ROOT / "knowledge_base"


class Settings(BaseSettings):
    """Everything deskbot takes from the environment. Secrets are ``SecretStr``."""

    model_config = SettingsConfigDict(env_prefix="DESKBOT_", extra="ignore")

    home: Path = Field(default=Path(".deskbot"), description="All state: database, index, files.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file under the home."
    )
    config: Path = Field(default=Path("deskbot.yaml"), description="Organisation YAML file.")
    chroma_url: str | None = Field(default=None, description="Chroma server; default embedded.")
    embedder: str = Field(default="minilm", description="minilm | e5 | hash (tests)")
    embedder_backend: str = Field(
        default="onnx",
        description="Runs MiniLM: onnx | onnx-mixed | onnx-int8 (faster, ranks differ) | torch",
    )
    model_dir: Path | None = Field(
        default=None, description="Exported ONNX models; default: models/ under the home."
    )
    server_url: str | None = Field(
        default=None, description="A running deskbot service that ask/search use if it is up."
    )
    llm_model: str = Field(default="gpt-4o-mini")
    llm_timeout: float = Field(default=20.0, gt=0, description="Seconds one model call may take.")
    turn_deadline: float = Field(
        default=8.0, gt=0, description="Seconds a chat turn may take in all, model calls included."
    )
    llm_cooldown: float = Field(
        default=60.0, ge=0, description="Seconds the model is skipped after repeated failures."
    )
    slack_api_url: str | None = Field(default=None, description="Slack Web API base URL.")
    public_url: str = Field(default="http://127.0.0.1:8000", description="Links in messages.")
    log_level: str = Field(default="INFO")
    log_json: bool = Field(default=True)
    scheduler: bool = Field(default=True, description="Run the SLA/digest scheduler in serve.")
    session_secret: SecretStr | None = Field(default=None, description="Signs web cookies.")
    max_upload_mb: int = Field(default=20, gt=0)
    # Request bodies are cut off while they are read (bot.service.bodylimit): JSON and forms,
    # Slack deliveries; uploads get max_upload_mb per file.
    max_body_kb: int = Field(default=256, gt=0, description="JSON and form request bodies.")
    max_slack_body_kb: int = Field(default=1024, gt=0, description="Slack deliveries.")
    keep_original_files: bool = Field(
        default=False, description="Also keep uploads unredacted, encrypted with files_key."
    )
    files_key: SecretStr | None = Field(
        default=None, description="Fernet key that encrypts the kept originals."
    )
    metrics_token: SecretStr | None = Field(
        default=None, description="When set, /metrics needs 'Authorization: Bearer <token>'."
    )
    redact_emails: bool = Field(default=True, description="Triage redacts e-mail addresses.")
    redact_phones: bool = Field(default=True, description="Triage redacts phone numbers.")
    # Rate limits on the public web endpoints (see docs/web.md): a ``limits`` rate such as
    # "20/minute" or "10 per 15 minutes" (several with ";"), or "off" / "0".
    rate_limits: bool = Field(default=True, description="false turns every rate limit off.")
    rate_limit_chat_session: str = Field(default="20/minute", description="Chat turns per session.")
    rate_limit_chat_ip: str = Field(default="60/minute", description="Chat turns per address.")
    rate_limit_session_ip: str = Field(
        default="30/minute", description="New sessions (POST /api/session) per address."
    )
    rate_limit_signin_ip: str = Field(
        default="10/15 minutes", description="Failed sign-ins per address."
    )
    rate_limit_signin_user: str = Field(
        default="10/15 minutes", description="Failed staff sign-ins per login name."
    )
    rate_limit_storage_uri: str = Field(
        default="memory://", description="Where counts live; redis://... shares them."
    )
    client_ip_header: str | None = Field(
        default=None, description="Header a trusted proxy sets to the client address."
    )

    chat_concurrency: int = Field(default=32, gt=0, description="Web chat turns run at once.")
    # E-mail (docs/email.md): smtp[s]://user:password@host:port (smtp+starttls:// upgrades) and
    # imap[s]://user:password@host:port/FOLDER (imap+starttls:// upgrades).
    smtp_url: SecretStr | None = Field(default=None, description="Outbound mail server.")
    imap_url: SecretStr | None = Field(default=None, description="The support mailbox.")
    imap_poll: float = Field(default=60.0, gt=0, description="Seconds between mailbox checks.")
    email_webhook_token: SecretStr | None = Field(
        default=None, description="Token the inbound-mail webhook must carry (?token=...)."
    )

    slack_bot_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "DESKBOT_SLACK_BOT_TOKEN")
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "DESKBOT_SLACK_SIGNING_SECRET"),
    )
    slack_app_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "DESKBOT_SLACK_APP_TOKEN")
    )
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "DESKBOT_OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_BASE_URL", "DESKBOT_OPENAI_BASE_URL")
    )

    @field_validator("slack_bot_token", "slack_signing_secret", "openai_api_key")
    @classmethod
    def _refuse_placeholders(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value().strip().lower() in {
            "",
            "changeme",
            "change-me",
            "xoxb-your-token",
            "your-secret",
        }:
            raise ValueError("is a placeholder; set the real secret or leave it unset")
        return value

    @field_validator(
        "rate_limit_chat_session",
        "rate_limit_chat_ip",
        "rate_limit_session_ip",
        "rate_limit_signin_ip",
        "rate_limit_signin_user",
    )
    @classmethod
    def _rate(cls, value: str) -> str:
        text = value.strip()
        if text.lower() in {"", "0", "off", "none", "false", "no"}:
            return "off"
        from limits import parse_many

        try:
            items = parse_many(text)
        except ValueError:
            raise ValueError(
                f"{text!r} is not a rate; write e.g. '20/minute' or '10 per 15 minutes', or 'off'"
            ) from None
        return text if any(item.amount > 0 for item in items) else "off"

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'deskbot.db').resolve()}"

    @property
    def config_path(self) -> Path:
        """The organisation file: ``DESKBOT_CONFIG``, else the shipped example."""
        if self.config.exists() or self.config != Path("deskbot.yaml"):
            return self.config
        return EXAMPLE_CONFIG

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def models_dir(self) -> Path:
        return self.model_dir or self.home / "models"

    @property
    def files_dir(self) -> Path:
        return self.home / "files"

    @property
    def llm_configured(self) -> bool:
        return self.openai_api_key is not None or self.openai_base_url is not None

    @property
    def email_enabled(self) -> bool:
        """Outbound mail is configured (inbound needs the mailbox or the webhook too)."""
        return self.smtp_url is not None

    @property
    def slack_enabled(self) -> bool:
        return self.slack_bot_token is not None and self.slack_signing_secret is not None


def load_settings(**overrides: object) -> Settings:
    """Read the environment (and explicit overrides, for tests)."""
    return Settings(**overrides)  # type: ignore[arg-type]


def secret_from_env(name: str) -> SecretStr | None:
    """A secret from the variable a config file names (e.g. ``web.token_secret_env``)."""
    import os

    value = os.environ.get(name, "").strip()
    return SecretStr(value) if value else None
