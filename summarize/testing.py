"""Random-weight models of the real architectures, with real tokenizers trained on the fly.

Every builder writes a directory that loads through the ordinary Hugging Face code path
(``AutoTokenizer.from_pretrained(dir)``, ``AutoModelForSeq2SeqLM.from_pretrained(dir)``,
``AutoModelForCausalLM.from_pretrained(dir)``) exactly like a hub checkpoint, without any
network access. Nothing here is a useful model: the weights are random (seeded), the
tokenizers are trained on a few hundred sentences written for this module.

Two sizes are offered:

* ``"tiny"``: 50k-100k parameters, built in a fraction of a second; for the test suite. The
  model's vocabulary is exactly the trained tokenizer's (about 1000 tokens).
* ``"real"``: the real configuration of the hub checkpoint it stands in for
  (Helsinki-NLP/opus-mt-es-en, sshleifer/distilbart-cnn-12-6, Qwen/Qwen2.5-0.5B-Instruct,
  google-t5/t5-small), with the real ``vocab_size`` and storage dtype, so that speed and memory
  match the real model; for benchmarks. The tokenizer is the small trained one, padded with
  ``<unused_N>`` fillers (never produced from text, their embedding rows zeroed so they are
  never generated either) so that every special token has the real checkpoint's id.

Heavy libraries (torch, transformers, sentencepiece, tokenizers) are imported inside the
functions, so importing this module is instant.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "ENGLISH_SENTENCES",
    "QWEN_CHAT_TEMPLATE",
    "SIZES",
    "SPANISH_SENTENCES",
    "build_bart",
    "build_instruct_preset",
    "build_marian",
    "build_preset",
    "build_qwen2",
    "build_t5",
    "corpus",
]

SIZES: tuple[str, ...] = ("tiny", "real")
"""The sizes every builder accepts."""

# ---------------------------------------------------------------------------
# Training corpus: original news-style sentences, combined from parts.
# ---------------------------------------------------------------------------

_EN_HANDWRITTEN: tuple[str, ...] = (
    "President Nayib Bukele said on Monday that El Salvador would keep the state of emergency.",
    "Secretary of State Marco Rubio arrived in San Salvador on a two-day visit.",
    "The CECOT prison, opened in 2023, can hold up to 40,000 inmates.",
    "Police arrested 1,250 suspected members of MS-13 and Barrio 18 in one week.",
    "Human rights groups say more than 80,000 people have been detained since March 2022.",
    "Heavy rain caused landslides in three departments; 12 families were evacuated.",
    "The national football team beat Honduras 2-1 in a friendly match on Saturday.",
    "Inflation slowed to 1.8% in May, according to the central bank.",
    '"We will not negotiate with criminals," the minister told reporters.',
    "Why did the flight land in El Salvador instead of Venezuela?",
    "The agreement, signed in February, lets the United States send deportees to CECOT.",
    "A judge ordered the government to explain the transfer of 238 Venezuelan migrants.",
    "Coffee exports rose 14% compared with the same period last year.",
    "The weather service warned of temperatures above 38 degrees in the eastern region.",
    "Tourism grew after the murder rate fell to 1.9 per 100,000 inhabitants.",
    "Opposition lawmakers asked for an independent audit of the prison system.",
    "The bitcoin law was amended in January after talks with the IMF.",
    "Families waited outside the prison gates for news about their relatives.",
    "Marco Rubio thanked Nayib Bukele for his cooperation on migration.",
    "Bukele's approval rating stayed above 80% in the latest poll.",
    "The storm is expected to reach the coast by Thursday night.",
    "Ticket sales for the final opened at 9:00 a.m. and sold out within an hour.",
    "Officials did not say when the inmates would be allowed to see a lawyer.",
    "The report lists 261 deaths in state custody between 2022 and 2024.",
    "Analysts expect the economy to grow about 2.5% next year.",
    "Doctors at the Rosales hospital treated 57 patients for dengue fever last week.",
    "Teachers went on strike to demand higher salaries and safer classrooms.",
    "The volcano released a column of ash, but no evacuation was ordered.",
    "Farmers lost almost half of their corn harvest because of the drought.",
    "A new bridge over the Lempa river will connect two isolated villages.",
    "The airport expects record traffic during the holiday season.",
    "Electricity prices will fall 6% starting in July, the regulator said.",
    "Fishermen in La Libertad could not go out to sea for four days.",
    "The tournament ends on Sunday with a final between Alianza and FAS.",
    "Scientists are monitoring the coral reefs near the Gulf of Fonseca.",
    "Remittances from the United States reached $8.5 billion last year.",
    "Students marched peacefully to the Ministry of Education.",
    "The company plans to hire 300 workers for its new factory in Santa Ana.",
    "Several roads remain closed after the flooding in Chalatenango.",
    "The museum reopened with an exhibition about Mayan pottery.",
    "Lawyers for the detainees filed a petition with the Inter-American Commission.",
    "Gasoline prices rose for the third consecutive week.",
    "The coach admitted that his players were tired after the long trip.",
    "A hurricane watch was issued for the Pacific coast of Central America.",
    "Mexico and Guatemala agreed to strengthen controls on their shared border.",
    "The bank approved a loan of $150 million to improve water supply.",
    "Witnesses described hearing gunshots shortly before midnight.",
    "Voters will choose a new legislature and 44 mayors next February.",
    "The European Union expressed concern about press freedom in the region.",
    "Nurses asked the health ministry for more vaccines and medical supplies.",
    "The government says the new cameras will reduce crime on public buses.",
    "Young athletes trained at dawn to avoid the extreme heat.",
    "Construction of the new stadium is 70% complete, according to engineers.",
    "Journalists reported that several of the deported men had no criminal record.",
    "The minister of foreign affairs traveled to Washington for talks on trade.",
    "Surfers from 20 countries competed at El Tunco beach.",
    "Prosecutors accused a former official of laundering money through shell companies.",
    "Rain is forecast for the whole country, with possible thunderstorms in the afternoon.",
    "The price of beans doubled in local markets after the storm.",
    "Relatives of the prisoners held a vigil outside the cathedral.",
    "Is the state of emergency still necessary now that violence has fallen?",
    "Exports of textiles fell 9% as demand weakened in the United States.",
    "The runner broke the national record in the 10,000 meters.",
    "Hundreds of migrants waited for days at the northern border of Mexico.",
    "Officials inaugurated a public library with 12,000 books and free internet.",
)

_EN_SUBJECTS: tuple[str, ...] = (
    "The government",
    "President Nayib Bukele",
    "Secretary of State Marco Rubio",
    "The Salvadoran police",
    "The prison director",
    "The United Nations",
    "A human rights group",
    "The central bank",
    "The finance minister",
    "The national weather service",
    "The Supreme Court",
    "An opposition lawmaker",
    "The mayor of San Salvador",
    "The football federation",
    "A spokesperson for the White House",
    "The army",
    "A local journalist",
    "The migration office",
)

_EN_PREDICATES: tuple[str, ...] = (
    "announced a new security plan on Monday.",
    "said that CECOT holds more than 40,000 inmates.",
    "denied any agreement with the leaders of MS-13.",
    "published a report on prison conditions.",
    "confirmed the arrival of 238 deportees from the United States.",
    "warned that heavy rain will continue until Friday.",
    "raised its growth forecast to 3.1% for this year.",
    "criticized the state of emergency in El Salvador.",
    "met with business leaders to discuss migration.",
    "promised to build 5 new schools before December.",
    "rejected the accusations made by the opposition.",
    "asked Congress to approve a budget of $9.6 billion.",
    "celebrated the team's 3-0 victory over Guatemala.",
    "said the border crossing would reopen on March 15.",
    "called for calm after the earthquake of magnitude 5.4.",
    "refused to comment on the transfer of the prisoners.",
)

_ES_HANDWRITTEN: tuple[str, ...] = (
    "El presidente Nayib Bukele afirmó el lunes que El Salvador mantendrá el régimen de excepción.",
    "El secretario de Estado Marco Rubio llegó a San Salvador en una visita de dos días.",
    "La cárcel CECOT, inaugurada en 2023, tiene capacidad para 40.000 reos.",
    "La policía detuvo a 1.250 presuntos pandilleros de la MS-13 y del Barrio 18 en una semana.",
    "¿Cuándo podrán las familias visitar a los detenidos?, preguntó una madre en Soyapango.",
    "¡Nunca negociaremos con criminales!, dijo el ministro de Seguridad.",
    "Las lluvias intensas provocaron deslaves en tres departamentos; 12 familias fueron evacuadas.",
    "La selección nacional venció 2-1 a Honduras en un partido amistoso el sábado.",
    "La inflación bajó al 1,8 % en mayo, según el Banco Central de Reserva.",
    "Según organizaciones de derechos humanos, más de 80.000 personas han sido detenidas desde marzo de 2022.",
    "El acuerdo, firmado en febrero, permite a Estados Unidos enviar deportados al CECOT.",
    "Un juez ordenó al Gobierno explicar el traslado de 238 migrantes venezolanos.",
    "Las exportaciones de café crecieron un 14 % respecto al mismo período del año pasado.",
    "El servicio meteorológico advirtió de temperaturas superiores a 38 grados en la zona oriental.",
    "El turismo aumentó después de que la tasa de homicidios bajara a 1,9 por cada 100.000 habitantes.",
    "Diputados de la oposición pidieron una auditoría independiente del sistema penitenciario.",
    "La ley bitcóin fue reformada en enero tras las negociaciones con el FMI.",
    "Los familiares esperaron frente a la cárcel noticias de sus parientes.",
    "Marco Rubio agradeció a Nayib Bukele su cooperación en materia migratoria.",
    "La aprobación de Bukele se mantuvo por encima del 80 % en la última encuesta.",
    "Se espera que la tormenta llegue a la costa el jueves por la noche.",
    "La venta de entradas para la final abrió a las 9:00 y se agotó en una hora.",
    "¿Por qué aterrizó el avión en El Salvador y no en Venezuela?",
    "El informe contabiliza 261 muertes bajo custodia del Estado entre 2022 y 2024.",
    "Los analistas prevén que la economía crezca alrededor de un 2,5 % el próximo año.",
    "Año tras año, los niños de la montaña caminan dos horas hasta la escuela.",
    "Los médicos del hospital Rosales atendieron a 57 pacientes con dengue la semana pasada.",
    "Los maestros se declararon en huelga para exigir mejores salarios y aulas más seguras.",
    "El volcán expulsó una columna de ceniza, pero no se ordenó ninguna evacuación.",
    "Los agricultores perdieron casi la mitad de su cosecha de maíz por la sequía.",
    "Un nuevo puente sobre el río Lempa unirá dos comunidades aisladas.",
    "El aeropuerto espera un tráfico récord durante las vacaciones.",
    "Los precios de la electricidad bajarán un 6 % a partir de julio, informó el regulador.",
    "Los pescadores de La Libertad no pudieron salir al mar durante cuatro días.",
    "El torneo termina el domingo con una final entre Alianza y FAS.",
    "Los científicos vigilan los arrecifes de coral cerca del golfo de Fonseca.",
    "Las remesas desde Estados Unidos alcanzaron 8.500 millones de dólares el año pasado.",
    "Los estudiantes marcharon pacíficamente hasta el Ministerio de Educación.",
    "La empresa contratará a 300 trabajadores para su nueva fábrica en Santa Ana.",
    "Varias carreteras siguen cerradas tras las inundaciones en Chalatenango.",
    "El museo reabrió sus puertas con una exposición sobre cerámica maya.",
    "Los abogados de los detenidos presentaron una petición ante la Comisión Interamericana.",
    "El precio de la gasolina subió por tercera semana consecutiva.",
    "El entrenador admitió que sus jugadores estaban cansados después del largo viaje.",
    "Se emitió una alerta de huracán para la costa del Pacífico de Centroamérica.",
    "México y Guatemala acordaron reforzar los controles en su frontera común.",
    "El banco aprobó un préstamo de 150 millones de dólares para mejorar el suministro de agua.",
    "Los testigos contaron que oyeron disparos poco antes de la medianoche.",
    "Los votantes elegirán una nueva Asamblea y 44 alcaldes en febrero.",
    "La Unión Europea expresó su preocupación por la libertad de prensa en la región.",
    "Las enfermeras pidieron al Ministerio de Salud más vacunas y material médico.",
    "El Gobierno asegura que las nuevas cámaras reducirán los delitos en los autobuses.",
    "Los jóvenes atletas entrenaron al amanecer para evitar el calor extremo.",
    "La construcción del nuevo estadio está completa en un 70 %, según los ingenieros.",
    "Los periodistas informaron de que varios deportados no tenían antecedentes penales.",
    "El canciller viajó a Washington para conversar sobre comercio.",
    "Surfistas de 20 países compitieron en la playa El Tunco.",
    "La Fiscalía acusó a un exfuncionario de lavar dinero mediante empresas fantasma.",
    "Se pronostican lluvias en todo el país, con posibles tormentas eléctricas por la tarde.",
    "El precio del frijol se duplicó en los mercados locales después de la tormenta.",
    "Los familiares de los presos celebraron una vigilia frente a la catedral.",
    "¿Sigue siendo necesario el régimen de excepción ahora que la violencia ha bajado?",
    "Las exportaciones textiles cayeron un 9 % por la menor demanda de Estados Unidos.",
    "El corredor batió el récord nacional de los 10.000 metros.",
    "Cientos de migrantes esperaron durante días en la frontera norte de México.",
    "Las autoridades inauguraron una biblioteca pública con 12.000 libros e internet gratis.",
)

_ES_SUBJECTS: tuple[str, ...] = (
    "El Gobierno",
    "El presidente Nayib Bukele",
    "El secretario de Estado Marco Rubio",
    "La Policía Nacional Civil",
    "El director de la cárcel",
    "La Organización de las Naciones Unidas",
    "Una organización de derechos humanos",
    "El Banco Central",
    "El ministro de Hacienda",
    "El servicio meteorológico",
    "La Corte Suprema de Justicia",
    "Una diputada de la oposición",
    "El alcalde de San Salvador",
    "La federación de fútbol",
    "Un portavoz de la Casa Blanca",
    "El Ejército",
    "Un periodista local",
    "La Dirección de Migración",
)

_ES_PREDICATES: tuple[str, ...] = (
    "anunció el lunes un nuevo plan de seguridad.",
    "aseguró que el CECOT alberga a más de 40.000 reos.",
    "negó cualquier pacto con los cabecillas de la MS-13.",
    "publicó un informe sobre las condiciones en las cárceles.",
    "confirmó la llegada de 238 deportados desde Estados Unidos.",
    "advirtió que las lluvias continuarán hasta el viernes.",
    "elevó al 3,1 % su previsión de crecimiento para este año.",
    "criticó el régimen de excepción en El Salvador.",
    "se reunió con empresarios para hablar de migración.",
    "prometió construir 5 escuelas nuevas antes de diciembre.",
    "rechazó las acusaciones de la oposición.",
    "pidió a la Asamblea aprobar un presupuesto de 9.600 millones de dólares.",
    "celebró la victoria del equipo por 3-0 ante Guatemala.",
    "dijo que el paso fronterizo reabrirá el 15 de marzo.",
    "pidió calma tras el sismo de magnitud 5,4.",
    "se negó a comentar el traslado de los presos.",
)

ENGLISH_SENTENCES: tuple[str, ...] = _EN_HANDWRITTEN + tuple(
    f"{subject} {predicate}" for subject in _EN_SUBJECTS for predicate in _EN_PREDICATES
)
"""About 300 short English news-style sentences (the English training corpus)."""

SPANISH_SENTENCES: tuple[str, ...] = _ES_HANDWRITTEN + tuple(
    f"{subject} {predicate}" for subject in _ES_SUBJECTS for predicate in _ES_PREDICATES
)
"""About 300 short Spanish news-style sentences (the Spanish training corpus)."""

_CORPORA: dict[str, tuple[str, ...]] = {"en": ENGLISH_SENTENCES, "es": SPANISH_SENTENCES}


def corpus(lang: str | None = None) -> tuple[str, ...]:
    """Return the training sentences of one language, or of both.

    Args:
        lang: ``"en"``, ``"es"``, or ``None`` for both (Spanish and English interleaved).

    Returns:
        The sentences, in a fixed order.
    """
    if lang is None:
        mixed: list[str] = []
        for es, en in zip(SPANISH_SENTENCES, ENGLISH_SENTENCES, strict=False):
            mixed += [es, en]
        longer = SPANISH_SENTENCES if len(SPANISH_SENTENCES) > len(ENGLISH_SENTENCES) else ENGLISH_SENTENCES
        mixed += longer[len(mixed) // 2 :]
        return tuple(mixed)
    try:
        return _CORPORA[lang]
    except KeyError:
        raise ValueError(f"no corpus for language {lang!r}; known: {sorted(_CORPORA)}") from None


# ---------------------------------------------------------------------------
# Sizes
# ---------------------------------------------------------------------------

_TOKENIZER_VOCAB: dict[str, int] = {"tiny": 1000, "real": 8000}
"""Requested tokenizer vocabulary; the corpus is small, so the trained one may be smaller."""

# "init_std" of the tiny sizes is ten times the real one: with the real value, a model this
# narrow writes the same tokens whatever its input, and tests of batching and ordering need
# outputs that depend on the input.

_MARIAN: dict[str, dict[str, Any]] = {
    # Helsinki-NLP/opus-mt-es-en
    "real": {
        "d_model": 512,
        "encoder_layers": 6,
        "decoder_layers": 6,
        "encoder_attention_heads": 8,
        "decoder_attention_heads": 8,
        "encoder_ffn_dim": 2048,
        "decoder_ffn_dim": 2048,
        "max_position_embeddings": 512,
        "vocab_size": 65001,
        "num_beams": 4,
        "init_std": 0.02,
        "dtype": "float32",
    },
    "tiny": {
        "d_model": 32,
        "encoder_layers": 2,
        "decoder_layers": 2,
        "encoder_attention_heads": 2,
        "decoder_attention_heads": 2,
        "encoder_ffn_dim": 64,
        "decoder_ffn_dim": 64,
        "max_position_embeddings": 128,
        "vocab_size": None,
        "num_beams": 1,
        "init_std": 0.2,
        "dtype": "float32",
    },
}

_BART: dict[str, dict[str, Any]] = {
    # sshleifer/distilbart-cnn-12-6
    "real": {
        "d_model": 1024,
        "encoder_layers": 12,
        "decoder_layers": 6,
        "encoder_attention_heads": 16,
        "decoder_attention_heads": 16,
        "encoder_ffn_dim": 4096,
        "decoder_ffn_dim": 4096,
        "max_position_embeddings": 1024,
        "vocab_size": 50264,
        "max_length": 142,
        "min_length": 56,
        "init_std": 0.02,
        "dtype": "float32",
    },
    "tiny": {
        "d_model": 32,
        "encoder_layers": 2,
        "decoder_layers": 2,
        "encoder_attention_heads": 2,
        "decoder_attention_heads": 2,
        "encoder_ffn_dim": 64,
        "decoder_ffn_dim": 64,
        "max_position_embeddings": 256,
        "vocab_size": None,
        "max_length": 60,
        "min_length": 10,
        "init_std": 0.2,
        "dtype": "float32",
    },
}

_QWEN2: dict[str, dict[str, Any]] = {
    # Qwen/Qwen2.5-0.5B-Instruct
    "real": {
        "hidden_size": 896,
        "num_hidden_layers": 24,
        "num_attention_heads": 14,
        "num_key_value_heads": 2,
        "intermediate_size": 4864,
        "max_position_embeddings": 32768,
        "max_window_layers": 21,
        "sliding_window": 32768,
        "vocab_size": 151936,
        "bpe_vocab": 151643,
        "model_max_length": 131072,
        "init_std": 0.02,
        "dtype": "bfloat16",
    },
    "tiny": {
        "hidden_size": 32,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "num_key_value_heads": 1,
        "intermediate_size": 64,
        "max_position_embeddings": 512,
        "max_window_layers": 2,
        "sliding_window": 512,
        "vocab_size": None,
        "bpe_vocab": None,
        "model_max_length": 512,
        "init_std": 0.2,
        "dtype": "float32",
    },
}

_T5: dict[str, dict[str, Any]] = {
    # google-t5/t5-small
    "real": {
        "d_model": 512,
        "d_kv": 64,
        "d_ff": 2048,
        "num_layers": 6,
        "num_decoder_layers": 6,
        "num_heads": 8,
        "vocab_size": 32128,
        "spm_vocab": 32000,
        "model_max_length": 512,
        "init_std": 1.0,
        "dtype": "float32",
    },
    "tiny": {
        "d_model": 32,
        "d_kv": 16,
        "d_ff": 64,
        "num_layers": 2,
        "num_decoder_layers": 2,
        "num_heads": 2,
        "vocab_size": None,
        "spm_vocab": None,
        "model_max_length": 256,
        "init_std": 10.0,
        "dtype": "float32",
    },
}

_QWEN_SYSTEM_PROMPT = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."

QWEN_CHAT_TEMPLATE: str = (
    "{%- if messages[0]['role'] == 'system' %}"
    "{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}"
    "{%- else %}"
    "{{- '<|im_start|>system\\n" + _QWEN_SYSTEM_PROMPT + "<|im_end|>\\n' }}"
    "{%- endif %}"
    "{%- for message in messages %}"
    "{%- if not (message.role == 'system' and loop.first) %}"
    "{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}"
    "{%- endif %}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}"
    "{{- '<|im_start|>assistant\\n' }}"
    "{%- endif %}"
)
"""Qwen2.5's ChatML chat template, without the tool-calling branches."""


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _spec(table: dict[str, dict[str, Any]], size: str) -> dict[str, Any]:
    """Return the settings of one size, or raise for an unknown size.

    Args:
        table: The per-size settings of one architecture.
        size: ``"tiny"`` or ``"real"``.

    Returns:
        A copy of the settings.
    """
    if size not in table:
        raise ValueError(f"unknown size {size!r}; expected one of {SIZES}")
    return dict(table[size])


def _prepare_dir(out_dir: str | os.PathLike[str]) -> Path:
    """Create the output directory and return it as an absolute path.

    Args:
        out_dir: Where the model goes.

    Returns:
        The absolute directory path.
    """
    path = Path(out_dir).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


@functools.lru_cache(maxsize=16)
def _train_spm(
    lang: str | None, vocab_size: int, *, t5_ids: bool = False, identity_normalization: bool = False
) -> bytes:
    """Train a SentencePiece unigram model on the built-in corpus.

    Args:
        lang: Corpus language (``"en"``, ``"es"``) or ``None`` for both.
        vocab_size: Requested vocabulary size (a soft limit: the corpus is small).
        t5_ids: Use T5's special ids (pad 0, eos 1, unk 2, no bos) instead of SentencePiece's
            defaults (unk 0, bos 1, eos 2).
        identity_normalization: Skip SentencePiece's NFKC normalisation.

    Returns:
        The serialized model proto.
    """
    import io

    import sentencepiece as spm

    ids = {"pad_id": 0, "eos_id": 1, "unk_id": 2, "bos_id": -1} if t5_ids else {}
    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus(lang)),
        model_writer=buffer,
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        model_type="unigram",
        character_coverage=1.0,
        split_digits=True,
        num_threads=1,
        minloglevel=2,
        normalization_rule_name="identity" if identity_normalization else "nmt_nfkc",
        **ids,
    )
    return buffer.getvalue()


@functools.lru_cache(maxsize=16)
def _train_byte_bpe(vocab_size: int, *, qwen_pretokenizer: bool) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """Train a byte-level BPE model on the built-in corpus (both languages).

    Args:
        vocab_size: Requested vocabulary size, special tokens excluded.
        qwen_pretokenizer: Split words with Qwen2's regex (and NFC-normalise) instead of GPT-2's.

    Returns:
        The vocabulary (token to id) and the merges, without any special token.
    """
    from tokenizers import Regex, Tokenizer, normalizers, pre_tokenizers, trainers
    from tokenizers.models import BPE

    tokenizer = Tokenizer(BPE())
    if qwen_pretokenizer:
        from transformers.models.qwen2.tokenization_qwen2 import PRETOKENIZE_REGEX

        tokenizer.normalizer = normalizers.NFC()
        tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
            [
                pre_tokenizers.Split(Regex(PRETOKENIZE_REGEX), behavior="isolated", invert=False),
                pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
            ]
        )
    else:
        tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        special_tokens=[],
    )
    tokenizer.train_from_iterator(corpus(None), trainer=trainer)
    model = json.loads(tokenizer.to_str())["model"]
    vocab: dict[str, int] = dict(model["vocab"])
    merges: list[tuple[str, str]] = []
    for merge in model["merges"]:  # ["a", "b"] in recent tokenizers, "a b" in older ones
        left, right = merge if isinstance(merge, list) else merge.split(" ", 1)
        merges.append((left, right))
    return vocab, merges


def _pad_vocab(vocab: dict[str, int], size: int) -> range:
    """Append filler tokens until the vocabulary has ``size`` entries.

    The fillers (``<unused_N>``) stand in for the part of the real checkpoint's vocabulary the
    small trained tokenizer lacks, so that the special tokens added after them get the real
    checkpoint's ids. No tokenizer ever produces them from text.

    Args:
        vocab: Token to id, with contiguous ids; extended in place.
        size: The wanted number of entries (nothing is added if it already has that many).

    Returns:
        The ids of the fillers.
    """
    start = len(vocab)
    for index in range(start, size):
        vocab[f"<unused_{index - start}>"] = index
    return range(start, max(start, size))


def _mute_rows(model: Any, ids: range | list[int]) -> None:
    """Zero the (tied) embedding rows of tokens the tokenizer never produces.

    Their logits then sit at zero while the trained tokens' random logits spread on both sides,
    so generation (greedy, beam or top-k) picks trained tokens and decodes to text, not to
    ``<unused_N>`` fillers. The matrices keep their full size, so speed is unchanged.

    Args:
        model: A freshly built model with tied input/output embeddings.
        ids: Token ids to mute.
    """
    import torch

    ids = list(ids)
    if not ids:
        return
    index = torch.tensor(ids, dtype=torch.long)
    with torch.no_grad():
        for embedding in (model.get_input_embeddings(), model.get_output_embeddings()):
            if embedding is not None:
                embedding.weight.index_fill_(0, index, 0.0)


def _save_model(model: Any, out_dir: Path, dtype: str) -> None:
    """Save a freshly built model with ``save_pretrained`` (safetensors) in its checkpoint dtype.

    Args:
        model: The model (float32, random weights).
        out_dir: The model directory.
        dtype: ``"float32"`` or ``"bfloat16"``: the dtype the real checkpoint is stored in, which
            is also what ``from_pretrained`` loads it in (transformers 5 defaults to ``dtype="auto"``).
    """
    import torch

    if dtype != "float32":
        model = model.to(getattr(torch, dtype))
    model.config.dtype = dtype
    model.eval()
    model.save_pretrained(out_dir)


# ---------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------


def build_marian(
    out_dir: str | os.PathLike[str], *, src_lang: str, tgt_lang: str, size: str = "tiny", seed: int = 0
) -> Path:
    """Build a random-weight MarianMT translation model with a trained MarianTokenizer.

    The directory mirrors a Helsinki-NLP/opus-mt-{src}-{tgt} checkpoint: ``source.spm`` and
    ``target.spm`` (SentencePiece unigram models trained on each language's corpus), a shared
    ``vocab.json`` (``</s>`` = 0, ``<unk>`` = 1, pieces, ``<pad>`` last), ``tokenizer_config.json``
    with the languages, ``config.json``, ``generation_config.json`` and safetensors weights.

    Args:
        out_dir: Directory to write (created if needed).
        src_lang: Source language code (``"es"`` or ``"en"``).
        tgt_lang: Target language code (``"es"`` or ``"en"``).
        size: ``"tiny"`` for tests or ``"real"`` for the opus-mt-es-en configuration (~77M).
        seed: Seed for the random weights.

    Returns:
        The absolute model directory.
    """
    spec = _spec(_MARIAN, size)
    for lang in (src_lang, tgt_lang):
        corpus(lang)  # raises ValueError for a language without a corpus, before any work
    path = _prepare_dir(out_dir)

    import sentencepiece as spm
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    spm_files: dict[str, Path] = {}
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for role, lang in (("source", src_lang), ("target", tgt_lang)):
        proto = _train_spm(lang, _TOKENIZER_VOCAB[size])
        spm_files[role] = path / f"{role}.spm"
        spm_files[role].write_bytes(proto)
        processor = spm.SentencePieceProcessor(model_proto=proto)
        for index in range(processor.get_piece_size()):
            if processor.is_control(index) or processor.is_unknown(index):
                continue
            vocab.setdefault(processor.id_to_piece(index), len(vocab))
    # Like opus-mt's vocab.json: "</s>" = 0, "<unk>" = 1, pieces, and "<pad>" last (65000 for real).
    fillers = _pad_vocab(vocab, spec["vocab_size"] - 1 if spec["vocab_size"] else len(vocab))
    pad_id = vocab.setdefault("<pad>", len(vocab))
    vocab_file = path / "vocab.json"
    vocab_file.write_text(json.dumps(vocab, ensure_ascii=False, indent=2), encoding="utf-8")

    max_positions = spec["max_position_embeddings"]
    tokenizer = MarianTokenizer(
        source_spm=str(spm_files["source"]),
        target_spm=str(spm_files["target"]),
        vocab=str(vocab_file),
        source_lang=src_lang,
        target_lang=tgt_lang,
        model_max_length=max_positions,
    )
    tokenizer.save_pretrained(path)

    config = MarianConfig(
        vocab_size=len(vocab),
        d_model=spec["d_model"],
        encoder_layers=spec["encoder_layers"],
        decoder_layers=spec["decoder_layers"],
        encoder_attention_heads=spec["encoder_attention_heads"],
        decoder_attention_heads=spec["decoder_attention_heads"],
        encoder_ffn_dim=spec["encoder_ffn_dim"],
        decoder_ffn_dim=spec["decoder_ffn_dim"],
        max_position_embeddings=max_positions,
        activation_function="swish",
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
        dropout=0.1,
        attention_dropout=0.0,
        activation_dropout=0.0,
        init_std=spec["init_std"],
        pad_token_id=pad_id,
        eos_token_id=0,
        bos_token_id=0,
        decoder_start_token_id=pad_id,
        forced_eos_token_id=0,
        architectures=["MarianMTModel"],
    )
    with torch.random.fork_rng(devices=[]):  # seed the weights, leave the caller's RNG alone
        torch.manual_seed(seed)
        model = MarianMTModel(config)
    _mute_rows(model, fillers)
    model.generation_config = GenerationConfig(
        bad_words_ids=[[pad_id]],
        bos_token_id=0,
        decoder_start_token_id=pad_id,
        eos_token_id=0,
        forced_eos_token_id=0,
        pad_token_id=pad_id,
        max_length=max_positions,
        num_beams=spec["num_beams"],
        renormalize_logits=True,
    )
    _save_model(model, path, spec["dtype"])
    return path


def build_bart(out_dir: str | os.PathLike[str], *, size: str = "tiny", seed: int = 0) -> Path:
    """Build a random-weight BART summarizer with a trained byte-level BPE tokenizer.

    The directory mirrors sshleifer/distilbart-cnn-12-6: a BART tokenizer (``<s>`` = 0,
    ``<pad>`` = 1, ``</s>`` = 2, ``<unk>`` = 3, ``<mask>`` last; encodings are ``<s> ... </s>``),
    and distilbart's generation defaults (4 beams, length penalty 2.0, no repeated trigram,
    early stopping; max/min length 142/56, or 60/10 for the tiny size).

    Args:
        out_dir: Directory to write (created if needed).
        size: ``"tiny"`` for tests or ``"real"`` for the distilbart-cnn-12-6 configuration (~306M).
        seed: Seed for the random weights.

    Returns:
        The absolute model directory.
    """
    spec = _spec(_BART, size)
    path = _prepare_dir(out_dir)

    import torch
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizer, GenerationConfig

    specials = ("<s>", "<pad>", "</s>", "<unk>")
    trained, merges = _train_byte_bpe(_TOKENIZER_VOCAB[size], qwen_pretokenizer=False)
    vocab: dict[str, int] = {token: index for index, token in enumerate(specials)}
    for token in sorted(trained, key=trained.__getitem__):
        vocab.setdefault(token, len(vocab))
    # distilbart's "<mask>" is 50264, one past the model's 50264 embeddings: keep that quirk.
    fillers = _pad_vocab(vocab, spec["vocab_size"] or len(vocab))
    vocab["<mask>"] = len(vocab)

    max_positions = spec["max_position_embeddings"]
    tokenizer = BartTokenizer(
        vocab=vocab,
        merges=list(merges),
        add_prefix_space=False,
        model_max_length=max_positions,
    )
    tokenizer.save_pretrained(path)

    bos_id, pad_id, eos_id = vocab["<s>"], vocab["<pad>"], vocab["</s>"]
    config = BartConfig(
        vocab_size=spec["vocab_size"] or len(vocab),
        d_model=spec["d_model"],
        encoder_layers=spec["encoder_layers"],
        decoder_layers=spec["decoder_layers"],
        encoder_attention_heads=spec["encoder_attention_heads"],
        decoder_attention_heads=spec["decoder_attention_heads"],
        encoder_ffn_dim=spec["encoder_ffn_dim"],
        decoder_ffn_dim=spec["decoder_ffn_dim"],
        max_position_embeddings=max_positions,
        activation_function="gelu",
        scale_embedding=False,
        dropout=0.1,
        attention_dropout=0.0,
        activation_dropout=0.0,
        init_std=spec["init_std"],
        pad_token_id=pad_id,
        bos_token_id=bos_id,
        eos_token_id=eos_id,
        decoder_start_token_id=eos_id,
        forced_eos_token_id=eos_id,
        tie_word_embeddings=True,
        architectures=["BartForConditionalGeneration"],
    )
    with torch.random.fork_rng(devices=[]):  # seed the weights, leave the caller's RNG alone
        torch.manual_seed(seed)
        model = BartForConditionalGeneration(config)
    _mute_rows(model, fillers)
    model.generation_config = GenerationConfig(
        bos_token_id=bos_id,
        decoder_start_token_id=eos_id,
        eos_token_id=eos_id,
        forced_bos_token_id=bos_id,
        forced_eos_token_id=eos_id,
        pad_token_id=pad_id,
        num_beams=4,
        length_penalty=2.0,
        max_length=spec["max_length"],
        min_length=spec["min_length"],
        no_repeat_ngram_size=3,
        early_stopping=True,
    )
    _save_model(model, path, spec["dtype"])
    return path


def build_qwen2(out_dir: str | os.PathLike[str], *, size: str = "tiny", seed: int = 0) -> Path:
    """Build a random-weight Qwen2 chat model with a trained byte-level BPE tokenizer.

    The directory mirrors Qwen/Qwen2.5-0.5B-Instruct: a Qwen2 tokenizer whose special tokens
    ``<|endoftext|>``, ``<|im_start|>``, ``<|im_end|>`` follow the trained vocabulary, eos
    ``<|im_end|>``, pad ``<|endoftext|>``, and a ChatML ``chat_template`` in
    ``tokenizer_config.json``. Generation stops on ``<|im_end|>`` or ``<|endoftext|>``; the tiny
    size decodes greedily, the real size keeps Qwen's sampling defaults.

    Args:
        out_dir: Directory to write (created if needed).
        size: ``"tiny"`` for tests or ``"real"`` for the Qwen2.5-0.5B-Instruct configuration
            (~494M, stored in bfloat16 like the real checkpoint).
        seed: Seed for the random weights.

    Returns:
        The absolute model directory.
    """
    spec = _spec(_QWEN2, size)
    path = _prepare_dir(out_dir)

    import torch
    from transformers import GenerationConfig, Qwen2Config, Qwen2ForCausalLM, Qwen2Tokenizer

    trained, merges = _train_byte_bpe(_TOKENIZER_VOCAB[size], qwen_pretokenizer=True)
    vocab = dict(trained)
    # Qwen2.5 has 151643 BPE tokens, then <|endoftext|> = 151643, <|im_start|>, <|im_end|>.
    fillers = _pad_vocab(vocab, spec["bpe_vocab"] or len(vocab))
    for token in ("<|endoftext|>", "<|im_start|>", "<|im_end|>"):
        vocab[token] = len(vocab)

    tokenizer = Qwen2Tokenizer(
        vocab=vocab,
        merges=list(merges),
        unk_token=None,
        bos_token=None,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        extra_special_tokens=["<|im_start|>", "<|im_end|>"],
        errors="replace",
        clean_up_tokenization_spaces=False,
        split_special_tokens=False,
        model_max_length=spec["model_max_length"],
        chat_template=QWEN_CHAT_TEMPLATE,
    )
    tokenizer.save_pretrained(path, save_jinja_files=False)

    endoftext, im_end = vocab["<|endoftext|>"], vocab["<|im_end|>"]
    config = Qwen2Config(
        vocab_size=spec["vocab_size"] or len(vocab),
        hidden_size=spec["hidden_size"],
        intermediate_size=spec["intermediate_size"],
        num_hidden_layers=spec["num_hidden_layers"],
        num_attention_heads=spec["num_attention_heads"],
        num_key_value_heads=spec["num_key_value_heads"],
        hidden_act="silu",
        max_position_embeddings=spec["max_position_embeddings"],
        initializer_range=spec["init_std"],
        rms_norm_eps=1e-6,
        use_cache=True,
        tie_word_embeddings=True,
        rope_parameters={"rope_type": "default", "rope_theta": 1000000.0},
        use_sliding_window=False,
        sliding_window=spec["sliding_window"],
        max_window_layers=spec["max_window_layers"],
        attention_dropout=0.0,
        bos_token_id=endoftext,
        eos_token_id=im_end,
        pad_token_id=endoftext,
        architectures=["Qwen2ForCausalLM"],
    )
    with torch.random.fork_rng(devices=[]):  # seed the weights, leave the caller's RNG alone
        torch.manual_seed(seed)
        model = Qwen2ForCausalLM(config)
    _mute_rows(model, [*fillers, *range(len(vocab), config.vocab_size)])
    sampling: dict[str, Any] = (
        {"do_sample": True, "temperature": 0.7, "top_p": 0.8, "top_k": 20, "repetition_penalty": 1.1}
        if size == "real"
        else {"do_sample": False}
    )
    model.generation_config = GenerationConfig(
        bos_token_id=endoftext,
        eos_token_id=[im_end, endoftext],
        pad_token_id=endoftext,
        **sampling,
    )
    _save_model(model, path, spec["dtype"])
    return path


def build_t5(out_dir: str | os.PathLike[str], *, size: str = "tiny", seed: int = 0) -> Path:
    """Build a random-weight T5 model with a trained SentencePiece-style T5 tokenizer.

    The tokenizer is a unigram model trained on both languages with T5's ids (``<pad>`` = 0,
    ``</s>`` = 1, ``<unk>`` = 2) and 100 ``<extra_id_N>`` sentinels; inputs are meant to carry
    a ``"summarize: "`` prefix, like t5-small's summarization task.

    Args:
        out_dir: Directory to write (created if needed).
        size: ``"tiny"`` for tests or ``"real"`` for the t5-small configuration (~60M).
        seed: Seed for the random weights.

    Returns:
        The absolute model directory.
    """
    spec = _spec(_T5, size)
    path = _prepare_dir(out_dir)

    import sentencepiece as spm
    import torch
    from transformers import GenerationConfig, T5Config, T5ForConditionalGeneration, T5Tokenizer

    proto = _train_spm(None, _TOKENIZER_VOCAB[size], t5_ids=True, identity_normalization=True)
    processor = spm.SentencePieceProcessor(model_proto=proto)
    pieces = [(processor.id_to_piece(index), processor.get_score(index)) for index in range(processor.get_piece_size())]
    if [piece for piece, _ in pieces[:3]] != ["<pad>", "</s>", "<unk>"]:
        raise RuntimeError(f"unexpected SentencePiece specials: {pieces[:3]}")
    pieces = [(piece, 0.0 if index < 3 else score) for index, (piece, score) in enumerate(pieces)]
    # Like t5-small: 32000 SentencePiece pieces, then <extra_id_99> = 32000 ... <extra_id_0> = 32099.
    filler_vocab = {piece: index for index, (piece, _) in enumerate(pieces)}
    fillers = _pad_vocab(filler_vocab, spec["spm_vocab"] or len(pieces))
    pieces += [(f"<unused_{index - fillers.start}>", -100.0) for index in fillers]
    sentinels = range(len(pieces), len(pieces) + 100)
    pieces += [(f"<extra_id_{99 - index}>", 0.0) for index in range(100)]
    tokenizer = T5Tokenizer(
        vocab=pieces,
        extra_ids=100,
        additional_special_tokens=[f"<extra_id_{index}>" for index in range(100)],
        model_max_length=spec["model_max_length"],
    )
    tokenizer.save_pretrained(path)

    pad_id, eos_id = 0, 1
    config = T5Config(
        vocab_size=spec["vocab_size"] or len(pieces),
        d_model=spec["d_model"],
        d_kv=spec["d_kv"],
        d_ff=spec["d_ff"],
        num_layers=spec["num_layers"],
        num_decoder_layers=spec["num_decoder_layers"],
        num_heads=spec["num_heads"],
        relative_attention_num_buckets=32,
        relative_attention_max_distance=128,
        dropout_rate=0.1,
        layer_norm_epsilon=1e-6,
        initializer_factor=spec["init_std"],
        feed_forward_proj="relu",
        pad_token_id=pad_id,
        eos_token_id=eos_id,
        decoder_start_token_id=pad_id,
        tie_word_embeddings=True,
        architectures=["T5ForConditionalGeneration"],
    )
    with torch.random.fork_rng(devices=[]):  # seed the weights, leave the caller's RNG alone
        torch.manual_seed(seed)
        model = T5ForConditionalGeneration(config)
    # Sentinels are for span corruption, not summaries: mute them with the fillers. So is <pad>
    # (the decoder start): a random T5's residual stream is dominated by the input embedding,
    # so with the tied head it would otherwise repeat <pad> forever and decode to "".
    _mute_rows(model, [pad_id, *fillers, *sentinels, *range(len(pieces), config.vocab_size)])
    model.generation_config = GenerationConfig(decoder_start_token_id=pad_id, eos_token_id=eos_id, pad_token_id=pad_id)
    _save_model(model, path, spec["dtype"])
    return path


def _toml_string(value: str) -> str:
    """Quote a string as a TOML basic string.

    Args:
        value: The text.

    Returns:
        The quoted text (JSON string escapes are valid TOML escapes).
    """
    return json.dumps(value, ensure_ascii=False)


def _write_pipeline(out_dir: Path, *, es_en: Path, en_es: Path, summarize_engine: str, summarize_model: Path) -> Path:
    """Write ``pipeline.toml`` for a translation pair and one summarizer.

    Args:
        out_dir: The preset directory.
        es_en: The Spanish-to-English Marian directory.
        en_es: The English-to-Spanish Marian directory.
        summarize_engine: The ``[summarize]`` engine (``"seq2seq"`` or ``"instruct"``).
        summarize_model: The summarizer directory.

    Returns:
        The path of ``pipeline.toml``.
    """
    lines: Sequence[str] = (
        "[translate]",
        'engine = "marian"',
        f'models = {{ "es-en" = {_toml_string(str(es_en))}, "en-es" = {_toml_string(str(en_es))} }}',
        "",
        "[summarize]",
        f"engine = {_toml_string(summarize_engine)}",
        f"model = {_toml_string(str(summarize_model))}",
        'strategy = "pivot"',
        "sentences = 3",
        "",
    )
    toml_path = out_dir / "pipeline.toml"
    toml_path.write_text("\n".join(lines), encoding="utf-8")
    return toml_path


def build_preset(out_dir: str | os.PathLike[str], *, size: str = "tiny", seed: int = 0) -> Path:
    """Build Marian es-en and en-es plus BART into one folder and write its ``pipeline.toml``.

    Subfolders: ``marian-es-en``, ``marian-en-es``, ``bart``. The TOML points at them by
    absolute path, with ``[summarize] engine = "seq2seq"``.

    Args:
        out_dir: Directory to write (created if needed).
        size: ``"tiny"`` or ``"real"``, for every model.
        seed: Seed for the random weights (the same for every model).

    Returns:
        The path of ``pipeline.toml``.
    """
    _spec(_MARIAN, size)
    path = _prepare_dir(out_dir)
    es_en = build_marian(path / "marian-es-en", src_lang="es", tgt_lang="en", size=size, seed=seed)
    en_es = build_marian(path / "marian-en-es", src_lang="en", tgt_lang="es", size=size, seed=seed)
    bart = build_bart(path / "bart", size=size, seed=seed)
    return _write_pipeline(path, es_en=es_en, en_es=en_es, summarize_engine="seq2seq", summarize_model=bart)


def build_instruct_preset(out_dir: str | os.PathLike[str], *, size: str = "tiny", seed: int = 0) -> Path:
    """Build Marian es-en and en-es plus Qwen2 into one folder and write its ``pipeline.toml``.

    Subfolders: ``marian-es-en``, ``marian-en-es``, ``qwen2``. The TOML points at them by
    absolute path, with ``[summarize] engine = "instruct"``.

    Args:
        out_dir: Directory to write (created if needed).
        size: ``"tiny"`` or ``"real"``, for every model.
        seed: Seed for the random weights (the same for every model).

    Returns:
        The path of ``pipeline.toml``.
    """
    _spec(_QWEN2, size)
    path = _prepare_dir(out_dir)
    es_en = build_marian(path / "marian-es-en", src_lang="es", tgt_lang="en", size=size, seed=seed)
    en_es = build_marian(path / "marian-en-es", src_lang="en", tgt_lang="es", size=size, seed=seed)
    qwen = build_qwen2(path / "qwen2", size=size, seed=seed)
    return _write_pipeline(path, es_en=es_en, en_es=en_es, summarize_engine="instruct", summarize_model=qwen)
