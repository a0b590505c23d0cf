"""Names from the gazetteer (any script, any inflection), used with context.

A capitalised word whose base form is a known first name or surname is a name candidate.
Its score depends on the evidence: a name next to another name or a surname-shaped word,
or after a cue ('зовут', 'named', 'атым', 'my brother'), is near-certain; a lone known
name is likely; a name that is also a common word ('Бакыт' = happiness, 'Faith') counts
only with such evidence, and never in lower case. In English, spaCy's tag must also say
proper noun for lone names at a sentence start.
"""

from __future__ import annotations

import re
from functools import lru_cache

from presidio_analyzer import EntityRecognizer, RecognizerResult

from unreported.redaction.gazetteer import Gazetteer
from unreported.redaction.recognizers.base import UPPER, has_context, make_result

_WORD = re.compile(r"[^\W\d_][\w'’]*(?:-[^\W\d_][\w'’]*)?")
_SENT_END = re.compile(r"[.!?…:;\"«»—–-]\s*$|^\s*$")
_SURNAME_SHAPE = re.compile(
    r"(?:ов|ев|ова|ева|ин|ина|ович|евич|овна|евна|уулу|кызы|ұлы|қызы|ov|ev|ova|eva|in|ina|ovich|ovna|uulu|kyzy)\w{0,5}$", re.I
)


# Frequent Kyrgyz words spaCy's list lacks that open sentences in interviews.
KY_COMMON = frozenset("""
менин сенин анын биздин силердин алардын мага сага ага бизге аларга мени сени аны бизди аларды
анан андан кийин ошондо ошол ушул бул тигил азыр эми дагы бирок жана менен үчүн ооба жок бар
эмне ким кандай качан кайда канча кайсы кайсыл кайдан кайдагы эмнеге эмнеден эмес деп болуп болгон келди кетти барып келип айтты билбейм
мен сен ал биз силер алар өзүм өзү баары бардыгы мурун кээде ар бир баягы жакшы жаман
рахмат саламатсызбы кечиресиз макул туура
сиз сиздин сизге сизди сизден биздин бизде бизден силерге алардан андай мындай ошондой ушундай
арыз арызды арызга арыз жазуу айыл айылда айылдагы айылга шаар шаарда шаарга кайтып кайра жаңы жаңыдан
бир эки үч биринчи экинчи биринчиден экинчиден үчүнчүдөн акыры анткени себеби мисалы балким албетте чынында кудайга шүгүр
оо ой ии мына меники сеники ошентсе ошентип ошентип адатта кошумчалай кыргызча орусча күзүндө жазында кышында жайында
коопсуздук коопсуздугу тергөөчү тергөөчүгө тергөө мейманкана жатакана жумуш жумушка жумушта акча акчаны айлык
паспорт паспортту телефон телефонду юрист укук укугу көмөк жардам борбор уюм мекеме кызматкер кожоюн кожоюну
адам сатуу мыйзам мыйзамы милиция милицияга прокуратура сот соту кызмат министрлик өкмөт мамлекет элчилик
жеке жекече туулган туулгам дарек дареги номер номери номерим почта почтасы
""".split())

# The same for Kazakh (spaCy has no Kazakh stop-word list): pronouns, function words, question
# words and frequent interview words that open sentences; none is a name.
KK_COMMON = frozenset("""
мен сен сіз ол біз сендер сіздер олар менің сенің сіздің оның біздің сендердің сіздердің олардың
маған саған сізге оған бізге оларға мені сені сізді оны бізді оларды менде сенде сізде онда бізде оларда
менен сенен сізден одан бізден олардан өзім өзің өзіңіз өзі өзіміз өздері өзімнің өзінің
бұл осы сол мына анау мынау бұның осының соның мұнда осында сонда бұдан осыдан содан соны осыны мұны
және бірақ алайда себебі өйткені сондықтан сонымен сосын кейін кейіннен бұрын қазір енді әлі тағы тек ғана
әрине мүмкін шынында негізі негізінде мысалы яғни егер әйтпесе немесе әлде жалпы сондай-ақ сондай мұндай дегенмен
осылайша міне шамамен бүгінде қазіргі әсіресе
не кім қандай қашан қайда қанша қай неге неліктен қалай қайдан қайсы кімге кімнің
иә жоқ бар рахмет кешіріңіз сәлеметсіз сәлем жарайды дұрыс болады болмайды
бір екі үш төрт бес алты жеті сегіз тоғыз бірінші екінші үшінші біріншіден екіншіден ақырында
бүгін ертең кеше биыл былтыр күні кезде кезінде уақытта
адам адамдар жұмыс жұмысқа жұмыста жұмыстан ақша ақшаны ақшасын жалақы айлық құжат құжаттар құжаттарды
ауыл ауылда ауылға ауылдан қала қалада қалаға қаладан үй үйде үйге үйден отбасы отбасым бала балалар балам
қыз жігіт әйел еркек қожайын қожайыны бастық бастығы жұмыс беруші көмек көмекке заң заңгер құқық құқығы
болды болған болып келді кетті барды айтты деді деп білмеймін білемін түсіндім
""".split())


def sentence_start(text: str, start: int) -> bool:
    """``start`` opens the text, a sentence or a quotation."""
    return bool(_SENT_END.search(text[max(0, start - 3) : start]))


def _common(word: str, language: str) -> bool:
    from unreported.redaction.engine import common_word

    return common_word(word, language)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Function words of en/ru/ky (spaCy's lists) and of Kyrgyz and Kazakh interviews: capitalised at
    a sentence start, never names."""
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.ky.stop_words import STOP_WORDS as KY
    from spacy.lang.ru.stop_words import STOP_WORDS as RU

    return frozenset(EN | RU | KY | KY_COMMON | KK_COMMON)


# "my name is X", "меня зовут X", "менин атым X": the next one to three capitalised words are a name
_CUE_NAME = re.compile(
    r"(?i:\bmy name is|\bname is|\bnamed|\bcalled|\bзовут|\bзвали|\bимя|\bатым|\bаты|\bфамилия|\bфамилиясы"
    r"|\bесімі|\bесімім|\bаты-жөні|\bтегі)[:\s]+"
    rf"(?P<v>[{UPPER}À-ÞĀ-ſ][\w'’\-]+(?:\s[{UPPER}À-ÞĀ-ſ][\w'’\-]+){{0,2}})"
)


# Kyrgyz and Kazakh put the cue after the name: 'Мээрим деген кыз', 'Айгүл есімді қыз' (a girl called
# Meerim, Aigul), not 'X деген сөз' (the word X) or 'X деген эмне / не' (what is X)
_POST_CUE = re.compile(r"[ \t]+(?:деген|аттуу|атты|есімді)(?!\w)"
                       r"(?![ \t]+(?:(?:сөз|эмне|нерсе|маани|түшүнүк|нәрсе|мағына|ұғым)\w*|не(?!\w)))", re.IGNORECASE)

# Kazakh names any capitalised word, known or not, before a kinship term or honorific used as a
# form of address ('Гүлнар апай', 'Серік ағаның', 'Асқар мырза', 'Зейнеп әжейдің') and after an age
# ('жиырма жастағы Ерлан' = twenty-year-old Erlan); the honorific itself is not part of the name
_KK_CAP = r"[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][a-zа-яёәғқңөұүһі]+(?:-[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]?[a-zа-яёәғқңөұүһі]+)?"
_KK_HONORIFIC = re.compile(
    rf"(?<![\w-])(?P<v>{_KK_CAP})[ \t]+(?:апа|апай|әже|әжей|аға|ағай|ата|көке|тәте|жеңеше|жеңгей|ханым|мырза|қажы)"
    r"(?:[ымсң][а-яәғқңөұүһі]{0,6}|[дтнғгқк][аеыі][а-яәғқңөұүһі]{0,4}|[мбп]ен)?(?![\w-])")
# words that describe a relative rather than name them ('Үлкен апам' = my elder sister)
_KK_KIN_ADJECTIVES = frozenset("үлкен кіші ортаншы туған немере туыс жас кәрі қарт".split())
_KK_AGE = re.compile(rf"(?i:\bжастағы|\bжасар|\bжасында(?:ғы)?)[ \t]+(?P<v>{_KK_CAP})")


class GazetteerNameRecognizer(EntityRecognizer):
    def __init__(self, gazetteer: Gazetteer, cues: list[str], language: str) -> None:
        self.gazetteer = gazetteer
        self.cues = [c.lower() for c in cues]
        super().__init__(supported_entities=["PERSON"], name="gazetteer", supported_language=language)

    def load(self) -> None:
        return None

    def _propn(self, nlp_artifacts, start: int) -> bool | None:
        if nlp_artifacts is None or nlp_artifacts.tokens is None or self.supported_language != "en":
            return None
        for tok in nlp_artifacts.tokens:
            if tok.idx == start:
                return tok.pos_ == "PROPN"
        return None

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        if entities and "PERSON" not in entities:
            return []
        g = self.gazetteer
        words = [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text)]
        known = []
        for i, (s, e, w) in enumerate(words):
            if not w[0].isupper() or len(w) < 3 or w.isupper() or w.lower() in stop_words():
                continue
            first, last = g.is_first(w), g.is_last(w)
            if first or last:
                known.append((i, first, last))
        is_name_at = {i for i, _, _ in known}
        out = [make_result("PERSON", m.start("v"), m.end("v"), 0.85, f"{self.name}:cue") for m in _CUE_NAME.finditer(text)
               if m.group("v").split()[0].lower() not in stop_words()]
        if self.supported_language == "kk":
            for rule, pattern in (("kk_honorific", _KK_HONORIFIC), ("kk_age", _KK_AGE)):
                for m in pattern.finditer(text):
                    w = m.group("v")
                    if (w.lower() not in stop_words() and w.lower() not in self.cues and w.lower() not in _KK_KIN_ADJECTIVES
                            and not _common(w, "kk")):
                        out.append(make_result("PERSON", m.start("v"), m.end("v"), 0.6, f"{self.name}:{rule}"))
        for i, first, last in known:
            s, e, w = words[i]
            prev_cap = i > 0 and words[i - 1][2][0].isupper() and (i - 1 in is_name_at or _SURNAME_SHAPE.search(words[i - 1][2]))
            next_cap = i + 1 < len(words) and words[i + 1][2][0].isupper() and (
                i + 1 in is_name_at or _SURNAME_SHAPE.search(words[i + 1][2])
            ) and text[e : words[i + 1][0]].strip() == ""
            cue = has_context(text, s, self.cues, window=32) or bool(_POST_CUE.match(text, e))
            sentence_start = bool(_SENT_END.search(text[max(0, s - 3) : s]))
            propn = self._propn(nlp_artifacts, s)
            if prev_cap or next_cap or cue:
                score = 0.9
            elif g.is_ambiguous(w, self.supported_language):
                continue
            elif propn is False:
                continue
            elif sentence_start and propn is None:
                # Cyrillic text has no tagger: a name of the curated lists opening a sentence ('Асанга
                # телефон чалдым') is likely unless it is also a common word or a cue (natasha's
                # dictionary holds too many Kyrgyz words under a suffix: 'Аялым', 'Кетем')
                likely = (self.supported_language != "en" and g.is_curated_first(w) and w.lower() not in self.cues
                          and not _common(w, self.supported_language))
                score = 0.45 if likely else 0.3
            else:
                score = 0.6 if first else 0.5
            end = e - 2 if w.endswith(("'s", "’s")) else e
            out.append(make_result("PERSON", s, end, score, self.name))
        return out
