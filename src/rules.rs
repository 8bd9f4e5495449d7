//! Word and phrase lists as data (`models/lexicon/rules/*.txt`), one list per concept, embedded
//! in the binary and compiled once into one case-insensitive, word-bounded regex each.
//!
//! A list file holds one cue per line (`#` starts a comment). A word written `word~v` also
//! matches its verb forms (`fail~v`: fail, fails, failed, failing), `word~n` its plural (`pill~n`:
//! pill, pills); inflections are generated here, so a linguist adds a base form and nothing
//! else. Longer cues are tried first, so "no evidence" wins over "no".

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
        "n" => vec![base.to_string(), plural(base)],
        "v" => verb_forms(base),
        _ => return Err(format!("unknown inflection mark '~{mark}' in '{word}' (~v verb forms, ~n plural)")),
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
    fn cues_match_whole_words_only_and_any_whitespace() {
        let l = WordList::parse("t", "no evidence\nnot\n").unwrap();
        assert!(l.is_match("there is no\n evidence"));
        assert!(!l.is_match("knot nothing"));
        let t = "it is NOT";
        assert_eq!(l.find_iter(t).collect::<Vec<_>>(), vec![(6, 9)]);
    }
}
