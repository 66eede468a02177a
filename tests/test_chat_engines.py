"""The chat engines without a model: reply cleaning, the OpenAI client's
retries, errors and concurrency (against an httpx.MockTransport), and their preset options."""

from __future__ import annotations

import json
import threading

import httpx
import pytest

from summarize.backends.base import LengthSpec
from summarize.backends.chat import ChatSummarizer, clean_reply
from summarize.backends.openai_api import OpenAIChat, OpenAIOptions
from summarize.config import RuntimeConfig, SummarizeConfig, config_from_dict, load_config
from summarize.errors import ConfigError, EngineTimeoutError, EngineUnavailableError, ModelNotAvailableError
from summarize.registry import default_registry


@pytest.mark.parametrize(("reply", "clean"), [
    ("Here is a summary of the article:\n\nEl Salvador offered its prison.", "El Salvador offered its prison."),
    ("Sure! Here's the summary:\n**Summary:** \"Rubio met Bukele.\"", "Rubio met Bukele."),
    ("Resumen: El gobierno aceptó la oferta.", "El gobierno aceptó la oferta."),
    ("Aquí tienes el resumen del artículo:\nEl gobierno aceptó.", "El gobierno aceptó."),
    ("- First point.\n- Second point.", "First point. Second point."),
    ("The summary of the talks was short.", "The summary of the talks was short."),
    ("«La cárcel tiene 40.000 plazas»", "La cárcel tiene 40.000 plazas"),
])
def test_replies_lose_lead_ins_labels_list_marks_and_quotes(reply, clean):
    assert clean_reply(reply) == clean


def test_a_translation_keeps_only_the_first_paragraph():
    assert clean_reply("Translation: The man left.\n\nNote: I kept the names.", first_paragraph=True) == "The man left."


def _chat(handler, **options) -> OpenAIChat:
    opts = OpenAIOptions(base_url="http://llm.test/v1", **options)
    return OpenAIChat("m", opts, transport=httpx.MockTransport(handler))


def _answer(text: str) -> httpx.Response:
    return httpx.Response(200, json={"choices": [{"message": {"role": "assistant", "content": text}}]})


def test_the_client_posts_a_greedy_chat_completion_with_the_key_from_the_environment(monkeypatch):
    monkeypatch.setenv("SUMMARIZE_OPENAI_API_KEY", "sk-test")
    seen = []

    def handler(request):
        seen.append((request.url.path, request.headers.get("authorization"), json.loads(request.content)))
        return _answer("hola")

    assert _chat(handler).complete([[{"role": "user", "content": "hi"}]], max_tokens=7) == ["hola"]
    path, auth, body = seen[0]
    assert (path, auth) == ("/v1/chat/completions", "Bearer sk-test")
    assert body == {"model": "m", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 7,
                    "temperature": 0.0}


def test_the_client_retries_busy_answers_then_succeeds(monkeypatch):
    monkeypatch.setattr("summarize.backends.openai_api.time.sleep", lambda s: None)
    statuses = iter([503, 429])

    def handler(request):
        status = next(statuses, 200)
        return _answer("ok") if status == 200 else httpx.Response(status)

    assert _chat(handler, retries=2).complete([[{"role": "user", "content": "x"}]], max_tokens=3) == ["ok"]


@pytest.mark.parametrize(("response", "error", "words"), [
    (httpx.Response(401), EngineUnavailableError, "SUMMARIZE_OPENAI_API_KEY"),
    (httpx.Response(404), ModelNotAvailableError, "model name"),
    (httpx.Response(400, text="bad"), EngineUnavailableError, "400"),
    (httpx.Response(200, text="<html>"), EngineUnavailableError, "OpenAI-compatible"),
])
def test_bad_answers_are_clear_errors(response, error, words):
    with pytest.raises(error) as info:
        _chat(lambda request: response, retries=0).complete([[{"role": "user", "content": "x"}]], max_tokens=3)
    assert words in f"{info.value} {info.value.hint}"


def test_a_server_that_never_answers_is_a_timeout_of_that_input(monkeypatch):
    monkeypatch.setattr("summarize.backends.openai_api.time.sleep", lambda s: None)

    def handler(request):
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(EngineTimeoutError, match="did not answer within 5 s"):
        _chat(handler, timeout=5.0, retries=1).complete([[{"role": "user", "content": "x"}]], max_tokens=3)


def test_no_server_address_says_which_variable_to_set(monkeypatch):
    monkeypatch.delenv("SUMMARIZE_OPENAI_BASE_URL", raising=False)
    with pytest.raises(ConfigError) as info:
        OpenAIChat("m", OpenAIOptions())
    assert "SUMMARIZE_OPENAI_BASE_URL" in info.value.hint


def test_requests_run_concurrently_within_the_limit_and_keep_their_order():
    lock, active, peak = threading.Lock(), [0], [0]
    release = threading.Barrier(2, timeout=5)

    def handler(request):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        release.wait()  # two in flight at once, or this times out
        with lock:
            active[0] -= 1
        return _answer(json.loads(request.content)["messages"][0]["content"].upper())

    conversations = [[{"role": "user", "content": c}] for c in "abcd"]
    assert _chat(handler, concurrency=2).complete(conversations, max_tokens=3) == ["A", "B", "C", "D"]
    assert peak[0] == 2


def test_the_chat_engines_are_registered_for_both_roles():
    for role in ("translate", "summarize"):
        assert {"llamacpp", "openai"} <= set(default_registry().engine_names(role))


def test_the_llm_presets_load_and_bad_options_name_the_key():
    assert load_config("llamacpp").summarize.options["context"] == 4096
    assert load_config("openai").summarize.options["base_url_env"] == "SUMMARIZE_OPENAI_BASE_URL"
    with pytest.raises(ConfigError, match="concurrency"):
        config_from_dict({"summarize": {"engine": "openai", "concurrency": 0}})
    with pytest.raises(ConfigError, match="base_url"):
        config_from_dict({"summarize": {"engine": "openai", "base_url": "localhost:8000"}})
    with pytest.raises(ConfigError, match="context"):
        config_from_dict({"summarize": {"engine": "llamacpp", "context": "big"}})


@pytest.mark.slow  # needs the llama.cpp build, which is the slow tier's set-up (make llama)
def test_a_missing_gguf_file_is_a_clear_error(tmp_path):
    from summarize.backends.llamacpp import LlamaCppSummarizer

    pytest.importorskip("llama_cpp")
    engine = LlamaCppSummarizer(SummarizeConfig(engine="llamacpp", model=str(tmp_path / "nope.gguf")),
                                RuntimeConfig(device="cpu"))
    with pytest.raises(ModelNotAvailableError, match="nope.gguf does not exist"):
        engine.load()


@pytest.mark.slow  # needs the llama.cpp build, which is the slow tier's set-up (make llama)
def test_a_file_that_is_not_gguf_is_a_load_error(tmp_path):
    from summarize.backends import make_summarizer
    from summarize.backends.llamacpp import LlamaCppSummarizer
    from summarize.errors import ModelLoadError

    pytest.importorskip("llama_cpp")
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"not a model" * 100)
    config = SummarizeConfig(engine="llamacpp", model=str(bad))
    engine = LlamaCppSummarizer(config, RuntimeConfig(device="cpu"))
    with pytest.raises(ModelLoadError, match="bad.gguf"):
        engine.load()
    # the same error, whole, from the worker process the pipeline runs llama.cpp in
    isolated = make_summarizer(config, RuntimeConfig(device="cpu"))
    with pytest.raises(ModelLoadError, match="bad.gguf") as raised:
        isolated.load()
    assert raised.value.hint and raised.value.model == str(bad)


class _EchoChat:
    """A chat model that answers with the first words of the article it was given, after a preamble."""

    context = 512

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def complete(self, conversations, *, max_tokens, guard=False):
        replies = []
        for messages in conversations:
            article = messages[-1]["content"].rpartition("\n")[2]
            replies.append("Here is a summary of the article:\n" + article)
        return replies


class _EchoSummarizer(ChatSummarizer):
    engine = "echo"

    def open_chat(self):
        return _EchoChat()


def test_summaries_are_cleaned_trimmed_to_the_budget_and_checked_against_the_article():
    engine = _EchoSummarizer(SummarizeConfig(engine="instruct", model="echo"), RuntimeConfig(device="cpu"))
    article = "Bukele offered the CECOT prison to Washington. " * 10
    warnings: list[str] = []
    [summary] = engine.summarize([article], "en", LengthSpec(words=20), warnings=warnings)
    assert summary.startswith("Bukele offered")
    assert len(summary.split()) <= 20
    assert warnings == []


def test_an_unfinished_reply_over_the_budget_is_cut_to_it():
    from summarize.backends.chat import fit_budget

    long = "El Salvador offers to jail deportees, says Rubio, in a meeting with the president at his residence " * 5
    cut = fit_budget(long.strip(), LengthSpec(words=20))
    assert len(cut.split()) == 20 and cut.endswith("…")
    assert fit_budget("Short and whole.", LengthSpec(words=20)) == "Short and whole."


class _LoopingChat(_EchoChat):
    """Loops unless asked to guard against repetition, as small models do."""

    def complete(self, conversations, *, max_tokens, guard=False):
        return ["Bukele habló." if guard else "Bukele de la de la de la de la de la de la." for _ in conversations]


class _LoopingSummarizer(ChatSummarizer):
    engine = "looping"

    def open_chat(self):
        return _LoopingChat()


def test_a_summary_caught_in_a_loop_is_redone_with_the_repetition_guard():
    engine = _LoopingSummarizer(SummarizeConfig(engine="instruct", model="loop"), RuntimeConfig(device="cpu"))
    assert engine.summarize(["Bukele habló en San Salvador."], "es", LengthSpec(words=20)) == ["Bukele habló."]
