"""Settings: documented, defaulted, and read from the environment."""

from __future__ import annotations

from pathlib import Path

from assistant.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def env_name(name: str, field) -> str:
    alias = field.validation_alias
    return alias.choices[0] if alias is not None else f"ASSISTANT_{name.upper()}"


def env_names() -> list[str]:
    """Every setting's environment variable, nested sections (ASSISTANT_LLM__BASE_URL) included."""
    names = []
    for name, field in Settings.model_fields.items():
        nested = getattr(field.annotation, "model_fields", None)
        if nested:
            names += [f"ASSISTANT_{name.upper()}__{sub.upper()}" for sub in nested]
        else:
            names.append(env_name(name, field))
    return names


def test_every_setting_is_documented_in_the_readme():
    """Each setting's environment variable appears in the README."""
    missing = [name for name in env_names() if f"`{name}`" not in README]
    assert not missing, f"undocumented settings: {missing}"


def test_the_llm_section_comes_from_nested_variables(monkeypatch):
    monkeypatch.setenv("ASSISTANT_LLM__BASE_URL", "http://127.0.0.1:8080/v1")
    monkeypatch.setenv("ASSISTANT_LLM__TIMEOUT", "7.5")
    settings = Settings()
    assert settings.llm.base_url == "http://127.0.0.1:8080/v1" and settings.llm.timeout == 7.5
    monkeypatch.setenv("ASSISTANT_LLM__BASE_URL", "")
    assert Settings().llm.base_url is None


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    """ASSISTANT_ variables and CHROMA_HOST/CHROMA_PORT are read."""
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ASSISTANT_TOP_K", "9")
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", "8123")
    settings = Settings()
    assert settings.data_dir == tmp_path and settings.top_k == 9
    assert settings.chroma_host == "127.0.0.1" and settings.chroma_port == 8123


def test_empty_chroma_host_means_embedded(monkeypatch):
    """CHROMA_HOST set to an empty string keeps the embedded index."""
    monkeypatch.setenv("CHROMA_HOST", "")
    assert Settings().chroma_host is None
