"""Training sentences for the tiny tokenizers: original news-style English and Spanish text.

Hand-written sentences about the El Salvador prison story and generic news, plus sentences
combined from subject and predicate lists for variety.
"""

from __future__ import annotations

__all__ = ["ENGLISH_SENTENCES", "SPANISH_SENTENCES", "corpus"]

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
