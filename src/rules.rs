//! Word and phrase lists as data (`models/lexicon/rules/*.txt`), one list per concept, embedded
//! in the binary and compiled once into one case-insensitive, word-bounded regex each.
//!
//! A list file holds one cue per line (`#` starts a comment). A word written `word~v` also
//! matches its verb forms (`fail~v`: fail, fails, failed, failing), `word~n` its plural (`pill~n`:
//! pill, pills); inflections are generated here, so a linguist adds a base form and nothing
//! else. Longer cues are tried first, so "no evidence" wins over "no".
//!
//! A *pattern* list ([`PatternList`]: the claim classifier's verb and phrase families, the
//! claim linker's relation words, the negation scope's clause breaks) holds one alternative per
//! line, tried in file order: words with the same `~v` / `~n` marks (and `~s`: the word with and
//! without "-s", for verbs and nouns alike), plus regular-expression syntax where a cue has slots
//! (`(?:to|for)`, `(?:\w+ ){0,3}` for up to three words, `[- ]`); a space is one space, and `[ ]`
//! writes a space that ends a line. `@name` stands for the whole of another pattern list
//! (`@treatment_nouns`: any line of `treatment_nouns.txt`), so one concept lives in one file.

use once_cell::sync::Lazy;
use regex::Regex;

/// A named, compiled list.
pub struct WordList {
    pub name: &'static str,
    /// Every expanded form, longest first.
    pub forms: Vec<String>,
    set: std::collections::HashSet<String>,
    regex: Regex,
}

impl WordList {
    /// Parse and compile a list; `name` is for error messages.
    pub fn parse(name: &'static str, text: &str) -> Result<WordList, String> {
        let mut forms: Vec<String> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let mut alternatives: Vec<String> = vec![String::new()];
            for word in line.split_whitespace() {
                let variants = inflect(word).map_err(|e| format!("{name}.txt line {}: {e}", n + 1))?;
                alternatives = alternatives
                    .iter()
                    .flat_map(|a| variants.iter().map(move |v| if a.is_empty() { v.clone() } else { format!("{a} {v}") }))
                    .collect();
            }
            forms.extend(alternatives);
        }
        forms.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        forms.dedup();
        if forms.is_empty() {
            return Err(format!("{name}.txt lists nothing"));
        }
        // Any whitespace run in the text matches a space in a cue; apostrophes match either form.
        // A cue that starts inside a word ("n't" of "doesn't") needs no boundary on its left.
        let alt = |inside: bool| -> String {
            let v: Vec<&String> = forms.iter().filter(|f| f.starts_with("n'") == inside).collect();
            if v.is_empty() { r"\b\B".to_string() } else { alternation(v) }
        };
        let pattern = format!(r"(?i)(?:(?:^|[^\w'’])({})|({}))(?:$|[^\w])", alt(false), alt(true));
        let regex = Regex::new(&pattern).map_err(|e| format!("{name}.txt: {e}"))?;
        let set = forms.iter().cloned().collect();
        Ok(WordList { name, forms, set, regex })
    }

    /// Byte spans of the cues in `text`, left to right, non-overlapping.
    pub fn find_iter<'t>(&'t self, text: &'t str) -> impl Iterator<Item = (usize, usize)> + 't {
        // The pattern consumes the character after a cue; restart the search right after the
        // cue itself so adjacent cues ("not no") are both found.
        let mut at = 0;
        std::iter::from_fn(move || {
            let caps = self.regex.captures_at(text, at)?;
            let m = caps.get(1).or_else(|| caps.get(2))?;
            at = m.end();
            Some((m.start(), m.end()))
        })
    }

    /// The forms as one regex alternation (longest first; any whitespace run between words,
    /// either apostrophe), for a caller that builds its own pattern around them.
    pub fn alternation(&self) -> String {
        alternation(&self.forms)
    }

    /// Whether `word` (one form, any case) is on the list.
    pub fn contains(&self, word: &str) -> bool {
        self.set.contains(&word.to_lowercase())
    }

    /// Whether `text` holds any cue.
    pub fn is_match(&self, text: &str) -> bool {
        self.regex.is_match(text)
    }

    /// The end of a cue that opens `text` (after whitespace), if one does.
    pub fn leading(&self, text: &str) -> Option<usize> {
        self.find_iter(text).next().filter(|&(a, _)| text[..a].trim().is_empty()).map(|(_, b)| b)
    }
}

/// Escaped forms joined by `|`: a space matches any whitespace run, an apostrophe either one.
/// A named list of cue patterns, one alternative per line in file order (see the module docs).
pub struct PatternList {
    pub name: &'static str,
    /// One regex fragment per line, inflection marks expanded.
    pub alternatives: Vec<String>,
}

impl PatternList {
    /// Parse a list; `name` is for error messages. Each fragment is checked to compile.
    pub fn parse(name: &'static str, text: &str) -> Result<PatternList, String> {
        static SUBLIST: Lazy<Regex> = Lazy::new(|| Regex::new(r"@([a-z_]+)").unwrap_or_else(|e| panic!("{e}")));
        static MARK: Lazy<Regex> = Lazy::new(|| Regex::new(r"([A-Za-z'’-]+)~([a-z])").unwrap_or_else(|e| panic!("{e}")));
        let mut alternatives = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let mut err = None;
            let line = SUBLIST.replace_all(line, |c: &regex::Captures| match SUBLISTS.iter().find(|(n, _)| *n == &c[1]) {
                Some((n, text)) => match PatternList::parse(n, text) {
                    Ok(l) => format!("(?:{})", l.alternation()),
                    Err(e) => {
                        err = Some(e);
                        String::new()
                    }
                },
                None => {
                    err = Some(format!("no list named {}", &c[0]));
                    String::new()
                }
            });
            if let Some(e) = err.take() {
                return Err(format!("{name}.txt line {}: {e}", n + 1));
            }
            let fragment = MARK.replace_all(&line, |c: &regex::Captures| match inflect(&format!("{}~{}", &c[1], &c[2])) {
                Ok(mut forms) => {
                    forms.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
                    forms.dedup();
                    format!("(?:{})", forms.iter().map(|f| regex::escape(f)).collect::<Vec<_>>().join("|"))
                }
                Err(e) => {
                    err = Some(e);
                    String::new()
                }
            });
            if let Some(e) = err {
                return Err(format!("{name}.txt line {}: {e}", n + 1));
            }
            Regex::new(&fragment).map_err(|e| format!("{name}.txt line {}: {e}", n + 1))?;
            alternatives.push(fragment.into_owned());
        }
        if alternatives.is_empty() {
            return Err(format!("{name}.txt lists nothing"));
        }
        Ok(PatternList { name, alternatives })
    }

    /// The alternatives joined by `|`, in file order, for a caller that builds its regex around
    /// them (boundaries, case, anchors).
    pub fn alternation(&self) -> String {
        self.alternatives.join("|")
    }

    /// The list as one case-insensitive regex between ASCII word boundaries, the form the claim
    /// rules match in.
    pub fn word_regex(&self) -> Regex {
        Regex::new(&format!(r"(?i)(?-u:\b)(?:{})(?-u:\b)", self.alternation())).unwrap_or_else(|e| panic!("{}.txt: {e}", self.name))
    }
}

/// A case-sensitive list of names and name words (organisation heads, known bodies), one per
/// line as written, in file order.
pub struct NameList {
    pub name: &'static str,
    items: Vec<String>,
    set: std::collections::HashSet<String>,
}

impl NameList {
    /// Parse a list; `name` is for error messages.
    pub fn parse(name: &'static str, text: &str) -> Result<NameList, String> {
        let items: Vec<String> =
            text.lines().map(|l| l.split('#').next().unwrap_or("").trim()).filter(|l| !l.is_empty()).map(String::from).collect();
        if items.is_empty() {
            return Err(format!("{name}.txt lists nothing"));
        }
        let set = items.iter().cloned().collect();
        Ok(NameList { name, items, set })
    }

    /// Whether `item` is on the list exactly as written.
    pub fn contains(&self, item: &str) -> bool {
        self.set.contains(item)
    }

    /// The entries in file order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.items.iter().map(String::as_str)
    }
}

fn alternation<S: AsRef<str>>(forms: impl IntoIterator<Item = S>) -> String {
    forms.into_iter().map(|f| regex::escape(f.as_ref()).replace(' ', r"\s+").replace('\'', "['’]")).collect::<Vec<_>>().join("|")
}

/// A word with an optional inflection mark → its forms.
fn inflect(word: &str) -> Result<Vec<String>, String> {
    let lower = word.to_lowercase();
    let Some((base, mark)) = lower.split_once('~') else { return Ok(vec![lower]) };
    if base.is_empty() {
        return Err(format!("'{word}' has no word before ~"));
    }
    Ok(match mark {
        "n" | "s" => vec![base.to_string(), plural(base)],
        "v" => verb_forms(base),
        _ => return Err(format!("unknown inflection mark '~{mark}' in '{word}' (~v verb forms, ~n plural, ~s with -s)")),
    })
}

fn plural(w: &str) -> String {
    if w.ends_with('s') || w.ends_with("sh") || w.ends_with("ch") || w.ends_with('x') {
        format!("{w}es")
    } else if w.ends_with('y') && !w.ends_with("ay") && !w.ends_with("ey") && !w.ends_with("oy") {
        format!("{}ies", &w[..w.len() - 1])
    } else {
        format!("{w}s")
    }
}

/// base, 3rd person, past, -ing (regular English morphology: e-drop, y → ies/ied).
fn verb_forms(w: &str) -> Vec<String> {
    let third = plural(w);
    let (past, ing) = if let Some(stem) = w.strip_suffix('e') {
        (format!("{w}d"), format!("{stem}ing"))
    } else if let Some(stem) = w.strip_suffix('y').filter(|_| !w.ends_with("ay") && !w.ends_with("ey") && !w.ends_with("oy")) {
        (format!("{stem}ied"), format!("{w}ing"))
    } else {
        (format!("{w}ed"), format!("{w}ing"))
    };
    vec![w.to_string(), third, past, ing]
}

/// The pattern lists a line may include as `@name`.
const SUBLISTS: &[(&str, &str)] = &[
    ("treatment_nouns", include_str!("../models/lexicon/rules/treatment_nouns.txt")),
    ("research_sources", include_str!("../models/lexicon/rules/research_sources.txt")),
    ("workplace_kinds", include_str!("../models/lexicon/rules/workplace_kinds.txt")),
    ("kin_nouns", include_str!("../models/lexicon/rules/kin_nouns.txt")),
];

fn names(name: &'static str, text: &str) -> NameList {
    // Embedded at build time and parsed by the unit tests; a bad one is a bug.
    NameList::parse(name, text).unwrap_or_else(|e| panic!("rules list: {e}"))
}

fn patterns(name: &'static str, text: &str) -> PatternList {
    // Embedded at build time and parsed by the unit tests; a bad one is a bug.
    PatternList::parse(name, text).unwrap_or_else(|e| panic!("rules list: {e}"))
}

fn compiled(name: &'static str, text: &str) -> WordList {
    // The lists are embedded at build time and parsed by the unit tests; a bad one is a bug.
    WordList::parse(name, text).unwrap_or_else(|e| panic!("rules list: {e}"))
}

/// Negation cues ("not", "failed to", "no evidence").
pub static NEGATION: Lazy<WordList> = Lazy::new(|| compiled("negation", include_str!("../models/lexicon/rules/negation.txt")));
/// Drug anaphors ("it", "this medication", "the patch").
pub static ANAPHORS: Lazy<WordList> = Lazy::new(|| compiled("anaphors", include_str!("../models/lexicon/rules/anaphors.txt")));

/// Reporting verbs of speech ("said", "warned"), findings ("found", "suggests") and verbs that
/// need a following "that" ("notes", "adds").
pub static SPEECH_VERBS: Lazy<WordList> = Lazy::new(|| compiled("speech_verbs", include_str!("../models/lexicon/rules/speech_verbs.txt")));
pub static FINDING_VERBS: Lazy<WordList> = Lazy::new(|| compiled("finding_verbs", include_str!("../models/lexicon/rules/finding_verbs.txt")));
pub static NEEDS_THAT_VERBS: Lazy<WordList> =
    Lazy::new(|| compiled("needs_that_verbs", include_str!("../models/lexicon/rules/needs_that_verbs.txt")));
/// Professions and expert roles ("cardiologist", "nutritionist").
pub static PROFESSIONS: Lazy<WordList> = Lazy::new(|| compiled("professions", include_str!("../models/lexicon/rules/professions.txt")));

/// Speaker heads: groups and vague sources ("experts", "many customers"), one person by role
/// or relation ("my GP", "her daughter"), study nouns ("trial", "the authors").
pub static SPEAKER_GROUPS: Lazy<WordList> =
    Lazy::new(|| compiled("speaker_groups", include_str!("../models/lexicon/rules/speaker_groups.txt")));
pub static SPEAKER_ROLES: Lazy<WordList> =
    Lazy::new(|| compiled("speaker_roles", include_str!("../models/lexicon/rules/speaker_roles.txt")));
pub static STUDY_HEADS: Lazy<WordList> = Lazy::new(|| compiled("study_heads", include_str!("../models/lexicon/rules/study_heads.txt")));

/// Evidence-gap hedge cues ("little is known", "the jury is still out", "marketed as").
pub static EVIDENCE_GAP: Lazy<WordList> =
    Lazy::new(|| compiled("hedge_evidence_gap", include_str!("../models/lexicon/rules/hedge_evidence_gap.txt")));
/// Verbs and subjects of permission "may" ("you may take it with food").
pub static PERMISSION_VERBS: Lazy<WordList> =
    Lazy::new(|| compiled("permission_verbs", include_str!("../models/lexicon/rules/permission_verbs.txt")));
pub static PERMISSION_SUBJECTS: Lazy<WordList> =
    Lazy::new(|| compiled("permission_subjects", include_str!("../models/lexicon/rules/permission_subjects.txt")));

/// First-person words ("I", "my", "we"): a narrator's own experience.
pub static FIRST_PERSON: Lazy<WordList> = Lazy::new(|| compiled("first_person", include_str!("../models/lexicon/rules/first_person.txt")));

/// A non-referential "it": a verb ("is", "seems") then a predicate ("true", "likely", "worth").
pub static EXPLETIVE_VERBS: Lazy<WordList> =
    Lazy::new(|| compiled("expletive_verbs", include_str!("../models/lexicon/rules/expletive_verbs.txt")));
pub static EXPLETIVE_PREDICATES: Lazy<WordList> =
    Lazy::new(|| compiled("expletive_predicates", include_str!("../models/lexicon/rules/expletive_predicates.txt")));

/// Words that mark a person's gender (titles, kinship nouns, first names), for "she" / "he".
pub static GENDER_FEMALE: Lazy<WordList> = Lazy::new(|| compiled("gender_female", include_str!("../models/lexicon/rules/gender_female.txt")));
pub static GENDER_MALE: Lazy<WordList> = Lazy::new(|| compiled("gender_male", include_str!("../models/lexicon/rules/gender_male.txt")));

/// Pattern lists ([`PatternList`]) of the claim classifier, the claim linker and negation scope.
/// Causal verbs and phrases of a claim ("reduces", "can cause", "used to treat").
pub static CLAIM_CAUSAL: Lazy<PatternList> =
    Lazy::new(|| patterns("claim_causal", include_str!("../models/lexicon/rules/claim_causal.txt")));
/// Association phrases of a claim ("linked to", "users report", "had 31% fewer").
pub static CLAIM_CORRELATIONAL: Lazy<PatternList> =
    Lazy::new(|| patterns("claim_correlational", include_str!("../models/lexicon/rules/claim_correlational.txt")));
/// Words for a treatment that do not name it ("this medication", "stopping it").
pub static DRUG_REFERENCES: Lazy<PatternList> =
    Lazy::new(|| patterns("drug_references", include_str!("../models/lexicon/rules/drug_references.txt")));
/// Health-outcome words ("symptoms", "blood pressure", "risk").
pub static OUTCOME_WORDS: Lazy<PatternList> =
    Lazy::new(|| patterns("outcome_words", include_str!("../models/lexicon/rules/outcome_words.txt")));
/// Words of an experience report ("I", "my", "her son", "she swears").
pub static ANECDOTE_WORDS: Lazy<PatternList> =
    Lazy::new(|| patterns("anecdote_words", include_str!("../models/lexicon/rules/anecdote_words.txt")));
/// Side-effect context ("side effects", "rarely", "people get").
pub static SIDE_EFFECT_CUES: Lazy<PatternList> =
    Lazy::new(|| patterns("side_effect_cues", include_str!("../models/lexicon/rules/side_effect_cues.txt")));
/// Treatment verbs ("treats", "prevents", "protects against").
pub static TREAT_VERBS: Lazy<PatternList> =
    Lazy::new(|| patterns("treat_verbs", include_str!("../models/lexicon/rules/treat_verbs.txt")));
/// A change in someone's health ("was gone", "better", "got").
pub static CHANGE_WORDS: Lazy<PatternList> =
    Lazy::new(|| patterns("change_words", include_str!("../models/lexicon/rules/change_words.txt")));
/// Verbs of a measured effect ("improved", "reduced", "led to").
pub static EFFECT_VERBS: Lazy<PatternList> =
    Lazy::new(|| patterns("effect_verbs", include_str!("../models/lexicon/rules/effect_verbs.txt")));
/// Advice to the reader ("talk to your doctor", "it's important to").
pub static ADVICE_PHRASES: Lazy<PatternList> =
    Lazy::new(|| patterns("advice_phrases", include_str!("../models/lexicon/rules/advice_phrases.txt")));
/// Talk about the research rather than a finding ("research on X is ongoing").
pub static RESEARCH_TALK: Lazy<PatternList> =
    Lazy::new(|| patterns("research_talk", include_str!("../models/lexicon/rules/research_talk.txt")));
/// The relation words that split a claim's subject from its object ("treats", "for").
pub static RELATION_WORDS: Lazy<PatternList> =
    Lazy::new(|| patterns("relation_words", include_str!("../models/lexicon/rules/relation_words.txt")));
/// Vague support ("studies show", "experts say").
pub static VAGUE_SUPPORT: Lazy<PatternList> =
    Lazy::new(|| patterns("vague_support", include_str!("../models/lexicon/rules/vague_support.txt")));
/// Checkable support (a DOI, a link, "published in the Lancet"); `<Name>` is a capitalised name.
pub static CHECKABLE_SUPPORT: Lazy<PatternList> =
    Lazy::new(|| patterns("checkable_support", include_str!("../models/lexicon/rules/checkable_support.txt")));
/// What ends a clause for negation scope ("; ", ", although", "but").
pub static CLAUSE_BREAKS: Lazy<PatternList> =
    Lazy::new(|| patterns("clause_breaks", include_str!("../models/lexicon/rules/clause_breaks.txt")));
/// What opens a clause of its own between a condition and a later drug ("that", "the way").
pub static OWN_CLAUSE_OPENERS: Lazy<PatternList> =
    Lazy::new(|| patterns("own_clause_openers", include_str!("../models/lexicon/rules/own_clause_openers.txt")));
/// Verbs that open an imperative addressed to the reader ("Ask your doctor", "Enhance your sleep").
pub static IMPERATIVE_VERBS: Lazy<WordList> =
    Lazy::new(|| compiled("imperative_verbs", include_str!("../models/lexicon/rules/imperative_verbs.txt")));

/// Quote support ([`NameList`]s, case-sensitive): organisation heads, well-known bodies,
/// journals, heads that name a publication or a company, companies, agencies; and the roles
/// that tie a person to an organisation (lower case, matched inside words).
pub static ORG_HEADS: Lazy<NameList> =
    Lazy::new(|| names("org_heads", include_str!("../models/lexicon/rules/org_heads.txt")));
pub static KNOWN_SOURCES: Lazy<NameList> =
    Lazy::new(|| names("known_sources", include_str!("../models/lexicon/rules/known_sources.txt")));
pub static JOURNALS: Lazy<NameList> =
    Lazy::new(|| names("journals", include_str!("../models/lexicon/rules/journals.txt")));
pub static PUBLICATION_HEADS: Lazy<NameList> =
    Lazy::new(|| names("publication_heads", include_str!("../models/lexicon/rules/publication_heads.txt")));
pub static COMPANY_HEADS: Lazy<NameList> =
    Lazy::new(|| names("company_heads", include_str!("../models/lexicon/rules/company_heads.txt")));
pub static COMPANIES: Lazy<NameList> =
    Lazy::new(|| names("companies", include_str!("../models/lexicon/rules/companies.txt")));
pub static AGENCIES: Lazy<NameList> =
    Lazy::new(|| names("agencies", include_str!("../models/lexicon/rules/agencies.txt")));
pub static AFFILIATION_ROLES: Lazy<NameList> =
    Lazy::new(|| names("affiliation_roles", include_str!("../models/lexicon/rules/affiliation_roles.txt")));
/// How a drug works ("works by", "receptors", "absorb") and the health effects that still make
/// such a sentence a claim ("blood pressure", "side effects").
pub static MECHANISM_CUES: Lazy<PatternList> =
    Lazy::new(|| patterns("mechanism_cues", include_str!("../models/lexicon/rules/mechanism_cues.txt")));
pub static HEALTH_EFFECTS: Lazy<PatternList> =
    Lazy::new(|| patterns("health_effects", include_str!("../models/lexicon/rules/health_effects.txt")));
/// Lines of site furniture ("Share this article", "Accept all cookies"), dropped by src/clean.rs.
pub static BOILERPLATE_LINES: Lazy<PatternList> =
    Lazy::new(|| patterns("boilerplate_lines", include_str!("../models/lexicon/rules/boilerplate_lines.txt")));
/// Words capitalised only because they open a sentence ("The", "Sources"): no speaker's name.
pub static SENTENCE_START_WORDS: Lazy<NameList> =
    Lazy::new(|| names("sentence_start_words", include_str!("../models/lexicon/rules/sentence_start_words.txt")));
/// A workplace named by its kind ("at the clinic"); a person named by a relation ("my sister Jo").
pub static WORKPLACES: Lazy<PatternList> = Lazy::new(|| patterns("workplaces", include_str!("../models/lexicon/rules/workplaces.txt")));
pub static RELATION_PHRASES: Lazy<PatternList> =
    Lazy::new(|| patterns("relation_phrases", include_str!("../models/lexicon/rules/relation_phrases.txt")));

/// Compile every list now (start-up), so the first article does not pay for it.
pub fn force_all() {
    let lists = [
        &NEGATION, &ANAPHORS, &SPEECH_VERBS, &FINDING_VERBS, &NEEDS_THAT_VERBS, &PROFESSIONS, &EVIDENCE_GAP,
        &PERMISSION_VERBS, &PERMISSION_SUBJECTS, &SPEAKER_GROUPS, &SPEAKER_ROLES, &STUDY_HEADS, &FIRST_PERSON,
        &EXPLETIVE_VERBS, &EXPLETIVE_PREDICATES, &GENDER_FEMALE, &GENDER_MALE,
    ];
    for list in lists {
        Lazy::force(list);
    }
    Lazy::force(&IMPERATIVE_VERBS);
    for list in [&ORG_HEADS, &KNOWN_SOURCES, &JOURNALS, &PUBLICATION_HEADS, &COMPANY_HEADS, &COMPANIES, &AGENCIES, &AFFILIATION_ROLES, &SENTENCE_START_WORDS] {
        Lazy::force(list);
    }
    let patterns = [
        &CLAIM_CAUSAL, &CLAIM_CORRELATIONAL, &DRUG_REFERENCES, &OUTCOME_WORDS, &ANECDOTE_WORDS, &SIDE_EFFECT_CUES,
        &TREAT_VERBS, &CHANGE_WORDS, &EFFECT_VERBS, &ADVICE_PHRASES, &RESEARCH_TALK, &RELATION_WORDS, &VAGUE_SUPPORT,
        &CHECKABLE_SUPPORT, &CLAUSE_BREAKS, &OWN_CLAUSE_OPENERS, &WORKPLACES, &RELATION_PHRASES,
        &BOILERPLATE_LINES, &MECHANISM_CUES, &HEALTH_EFFECTS,
    ];
    for list in patterns {
        Lazy::force(list);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_lists_compile_and_find_cues() {
        force_all();
        let t = "Naloxone does not treat addiction, and it failed to reduce cravings.";
        let found: Vec<&str> = NEGATION.find_iter(t).map(|(a, b)| &t[a..b]).collect();
        assert_eq!(found, vec!["not", "failed to"]);
        let t = "There is no evidence that vitamin C prevents colds; it doesn't help.";
        let found: Vec<&str> = NEGATION.find_iter(t).map(|(a, b)| &t[a..b]).collect();
        assert_eq!(found, vec!["no evidence", "n't"]);
        assert!(!NEGATION.is_match("Notable results: knowledge of nothingness-free nodes"));
        let t = "Take this medication with food; the patch helps.";
        let found: Vec<&str> = ANAPHORS.find_iter(t).map(|(a, b)| &t[a..b]).collect();
        assert_eq!(found, vec!["this medication", "the patch"]);
        let t = "Night two on it and I’m a zombie; my sister's idea. Mine? Iodine is in it.";
        let found: Vec<&str> = FIRST_PERSON.find_iter(t).map(|(a, b)| &t[a..b]).collect();
        assert_eq!(found, vec!["I’m", "my", "Mine"]);
        assert_eq!(EXPLETIVE_VERBS.leading(" seems likely"), Some(6));
        assert_eq!(EXPLETIVE_VERBS.leading(" helps, it seems"), None);
        assert_eq!(EXPLETIVE_PREDICATES.leading(" true that"), Some(5));
    }

    #[test]
    fn inflections_are_generated() {
        let l = WordList::parse("t", "fail~v to\nrule~v out\ncarry~v\npill~n # comment\n").unwrap();
        for f in ["fails to", "failed to", "failing to", "ruled out", "ruling out", "carries", "carried", "pills"] {
            assert!(l.forms.iter().any(|x| x == f), "{f} missing from {:?}", l.forms);
        }
        assert!(l.contains("Carried") && !l.contains("carr"));
        assert!(WordList::parse("t", "fail~q").is_err());
        assert!(WordList::parse("t", "# nothing\n").is_err());
    }

    #[test]
    fn pattern_lists_keep_file_order_inflect_and_include_other_lists() {
        let l = PatternList::parse("t", "# a comment\ntreat~v\nused (?:\\w+ ){0,3}(?:to|for)\nsymptom~s # trailing comment\nmake~s you feel[ ]\n").unwrap();
        assert_eq!(l.alternatives[0], "(?:treating|treated|treats|treat)");
        assert_eq!(l.alternatives[2], "(?:symptoms|symptom)");
        assert_eq!(l.alternatives[3], "(?:makes|make) you feel[ ]");
        let re = l.word_regex();
        let found: Vec<&str> = re.find_iter("Used daily to Treat it; symptoms ease. Makes you feel fine").map(|m| m.as_str()).collect();
        assert_eq!(found, vec!["Used daily to", "Treat", "symptoms", "Makes you feel "]);
        assert!(!re.is_match("treatment of symptomatic users"));
        // @name: every line of another list
        let l = PatternList::parse("t", "the (?:\\w+ )?@treatment_nouns").unwrap();
        let re = Regex::new(&format!("(?i)^(?:{})$", l.alternation())).unwrap();
        assert!(re.is_match("the new pills") && re.is_match("The patch") && !re.is_match("the weather"));
        // errors name the list and the line
        let e = PatternList::parse("t", "ok\nfoo~q").err().unwrap();
        assert!(e.contains("t.txt line 2"), "{e}");
        assert!(PatternList::parse("t", "@no_such_list").err().unwrap().contains("no list named @no_such_list"));
        assert!(PatternList::parse("t", "(?:unclosed").is_err());
        assert!(PatternList::parse("t", "# nothing\n").is_err());
    }

    #[test]
    fn claim_rule_lists_find_their_cues() {
        let causal = CLAIM_CAUSAL.word_regex();
        for t in ["Metformin lowers blood sugar", "It is used off-label to treat migraine", "may cause drowsiness"] {
            assert!(causal.is_match(t), "{t}");
        }
        let refs = DRUG_REFERENCES.word_regex();
        assert_eq!(refs.find("Stop taking them now").map(|m| m.as_str()), Some("taking them"));
        assert_eq!(refs.find("Keep these two tablets dry").map(|m| m.as_str()), Some("these two tablets"));
        assert_eq!(refs.find("after the second dose").map(|m| m.as_str()), Some("the second dose"));
        let vague = VAGUE_SUPPORT.word_regex();
        assert!(vague.is_match("Some small studies suggest it works") && !vague.is_match("The 2019 trial in JAMA"));
        assert!(IMPERATIVE_VERBS.contains("Ask") && IMPERATIVE_VERBS.contains("don’t") && !IMPERATIVE_VERBS.contains("metformin"));
    }

    #[test]
    fn name_lists_are_case_sensitive_and_keep_file_order() {
        let l = NameList::parse("t", "# heads\nClinic\nMayo Clinic  # a body\nWHO\n").unwrap();
        assert!(l.contains("Clinic") && l.contains("WHO") && l.contains("Mayo Clinic"));
        assert!(!l.contains("clinic") && !l.contains("who") && !l.contains("Mayo"));
        assert_eq!(l.iter().collect::<Vec<_>>(), vec!["Clinic", "Mayo Clinic", "WHO"]);
        assert!(NameList::parse("t", "# none\n").is_err());
        assert!(ORG_HEADS.contains("University") && !ORG_HEADS.contains("university"));
        assert!(KNOWN_SOURCES.contains("FDA") && AGENCIES.contains("FDA") && COMPANIES.contains("Pfizer"));
        assert!(PUBLICATION_HEADS.contains("Post") && !PUBLICATION_HEADS.contains("Network"));
        assert!(SENTENCE_START_WORDS.contains("The") && !SENTENCE_START_WORDS.contains("Smith"));
        let workplace = Regex::new(&format!(r"(?i)\b(?:{})\b", WORKPLACES.alternation())).unwrap();
        assert_eq!(workplace.find("a nurse at the local walk-in clinic said").map(|m| m.as_str()), Some("at the local walk-in clinic"));
        let kin = Regex::new(&format!(r"(?i)\b(?:{})\b", RELATION_PHRASES.alternation())).unwrap();
        assert!(kin.is_match("her older neighbor, Jo") && kin.is_match("my co-worker") && !kin.is_match("my doctor"));
    }

    #[test]
    fn cues_match_whole_words_only_and_any_whitespace() {
        let l = WordList::parse("t", "no evidence\nnot\n").unwrap();
        assert!(l.is_match("there is no\n evidence"));
        assert!(!l.is_match("knot nothing"));
        let t = "it is NOT";
        assert_eq!(l.find_iter(t).collect::<Vec<_>>(), vec![(6, 9)]);
    }
}
