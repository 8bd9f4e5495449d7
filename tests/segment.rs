//! Sentence segmentation: named fixture cases (one per web-prose pattern, full input and
//! expected units shown on mismatch), property tests over arbitrary Unicode, a linear-time check,
//! and the gold-context check on the seed articles (`../shared`, skipped when absent).

use healthclaims::doc::{ByteSpan, SentenceKind};
use healthclaims::segment::segment;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

use SentenceKind::{Bullet as B, Heading as H, Prose as P};

struct Case {
    name: &'static str,
    input: &'static str,
    expected: &'static [(SentenceKind, &'static str)],
}

const CASES: &[Case] = &[
    Case {
        name: "bold_heading_then_bold_bullets",
        input: "Let's look at why it might be considered:\n**Its Role in Headache Care:**\n* **Targeting Glutamate:** The drug is an NMDA receptor antagonist. By blocking it, the drug may help.\n* **Other Conditions:** It has been studied for migraines.\n",
        expected: &[
            (H, "Let's look at why it might be considered:"),
            (H, "**Its Role in Headache Care:**"),
            (B, "* **Targeting Glutamate:** The drug is an NMDA receptor antagonist."),
            (B, "By blocking it, the drug may help."),
            (B, "* **Other Conditions:** It has been studied for migraines."),
        ],
    },
    Case {
        name: "long_colon_line_is_prose",
        input: "Let's break down the reasons why this drug might be considered for headaches and address some of the concerns you might have:\n* **Safety:** It is generally safe.",
        expected: &[
            (P, "Let's break down the reasons why this drug might be considered for headaches and address some of the concerns you might have:"),
            (B, "* **Safety:** It is generally safe."),
        ],
    },
    Case {
        name: "title_lines_without_punctuation_and_question_headings",
        input: "Understanding Chronic Fatigue\n\nChronic fatigue is more than feeling tired. Sounds a handful, doesn't it?\n\nWho Gets Chronic Fatigue Syndrome?\n\nAnyone can get it.\n\nThe Final Verdict?\n\nAsk your doctor.",
        expected: &[
            (H, "Understanding Chronic Fatigue"),
            (P, "Chronic fatigue is more than feeling tired."),
            (P, "Sounds a handful, doesn't it?"),
            (H, "Who Gets Chronic Fatigue Syndrome?"),
            (P, "Anyone can get it."),
            (H, "The Final Verdict?"),
            (P, "Ask your doctor."),
        ],
    },
    Case {
        name: "sentence_case_question_paragraph_stays_prose",
        input: "Should you try it?\n\nMaybe.",
        expected: &[(P, "Should you try it?"), (P, "Maybe.")],
    },
    Case {
        name: "headings_without_blank_lines_before_long_paragraphs",
        input: "Mechanism of Action in the Glutamate System\nGlutamate is the most abundant excitatory neurotransmitter. It plays a part in learning.\nTypes of Medications\n- Ketamine is used for depression. Administered via infusion, it acts fast.\n- Memantine is approved for dementia.",
        expected: &[
            (H, "Mechanism of Action in the Glutamate System"),
            (P, "Glutamate is the most abundant excitatory neurotransmitter."),
            (P, "It plays a part in learning."),
            (H, "Types of Medications"),
            (B, "- Ketamine is used for depression."),
            (B, "Administered via infusion, it acts fast."),
            (B, "- Memantine is approved for dementia."),
        ],
    },
    Case {
        name: "indented_dot_bullets_with_bold_free_leads",
        input: "Unpacking the Interplay:\n\n  • Mechanisms at Play: While ketamine acts swiftly, Lamictal takes a slow approach. The difference matters.\n\n  • Research Revelations: Studies hint that it may help.\n\nThe Final Word",
        expected: &[
            (H, "Unpacking the Interplay:"),
            (B, "• Mechanisms at Play: While ketamine acts swiftly, Lamictal takes a slow approach."),
            (B, "The difference matters."),
            (B, "• Research Revelations: Studies hint that it may help."),
            (H, "The Final Word"),
        ],
    },
    Case {
        name: "metadata_bullets_and_byline",
        input: "  • 0 Comments\n  • Feb, 24 2025\n\nChronic Fatigue Syndrome is serious.",
        expected: &[(B, "• 0 Comments"), (B, "• Feb, 24 2025"), (P, "Chronic Fatigue Syndrome is serious.")],
    },
    Case {
        name: "titles_and_names",
        input: "Noted psychiatrist Dr. John Smith once said, \u{201c}The promise is real.\u{201d} Mrs. Jones and Prof. Lee agreed. Mr. Brown did not.",
        expected: &[
            (P, "Noted psychiatrist Dr. John Smith once said, \u{201c}The promise is real.\u{201d}"),
            (P, "Mrs. Jones and Prof. Lee agreed."),
            (P, "Mr. Brown did not."),
        ],
    },
    Case {
        name: "mid_sentence_abbreviations",
        input: "Some drugs, e.g. ketamine, i.e. an anesthetic, act fast vs. placebo. It takes approx. 40 min. The effect of St. John's wort is weaker (see Fig. 2 and No. 5). Sales rose in Jan. 2020.",
        expected: &[
            (P, "Some drugs, e.g. ketamine, i.e. an anesthetic, act fast vs. placebo."),
            (P, "It takes approx. 40 min."),
            (P, "The effect of St. John's wort is weaker (see Fig. 2 and No. 5)."),
            (P, "Sales rose in Jan. 2020."),
        ],
    },
    Case {
        name: "abbreviations_that_can_end_a_sentence",
        input: "The U.S. Food and Drug Administration approved it in the U.S. The drug is made by Acme Inc. and sold by Beta Ltd. It is taken at 9 a.m. The dose is low, etc. We agree.",
        expected: &[
            (P, "The U.S. Food and Drug Administration approved it in the U.S."),
            (P, "The drug is made by Acme Inc. and sold by Beta Ltd."),
            (P, "It is taken at 9 a.m."),
            (P, "The dose is low, etc."),
            (P, "We agree."),
        ],
    },
    Case {
        name: "initials_vs_single_letters",
        input: "J. K. Rowling wrote it. Low levels of vitamin D. Sunlight helps. Ask Dr. A. B. Smith.",
        expected: &[
            (P, "J. K. Rowling wrote it."),
            (P, "Low levels of vitamin D."),
            (P, "Sunlight helps."),
            (P, "Ask Dr. A. B. Smith."),
        ],
    },
    Case {
        name: "decimals_percentages_versions",
        input: "Take 2.5 mg daily. About 14.9% improved vs. 0.5% on placebo. Version 2.1.3 was used. 24 studies agreed.",
        expected: &[
            (P, "Take 2.5 mg daily."),
            (P, "About 14.9% improved vs. 0.5% on placebo."),
            (P, "Version 2.1.3 was used."),
            (P, "24 studies agreed."),
        ],
    },
    Case {
        name: "urls_emails_dois",
        input: "See www.example.com/page.html for details. Mail info@example.org. The DOI is doi:10.1000/xyz.123 and it resolves. Visit https://Example.com.",
        expected: &[
            (P, "See www.example.com/page.html for details."),
            (P, "Mail info@example.org."),
            (P, "The DOI is doi:10.1000/xyz.123 and it resolves."),
            (P, "Visit https://Example.com."),
        ],
    },
    Case {
        name: "ellipses_and_question_exclamation_combos",
        input: "It might help... or not. Wait\u{2026} What happened? Nobody knows?! Really!! \"Is it safe?\" she asked.",
        expected: &[
            (P, "It might help... or not."),
            (P, "Wait\u{2026}"),
            (P, "What happened?"),
            (P, "Nobody knows?!"),
            (P, "Really!!"),
            (P, "\"Is it safe?\" she asked."),
        ],
    },
    Case {
        name: "closing_quotes_stay_with_their_sentence",
        input: "He said, \"It works.\" Next we tried it. \u{201c}The drug works. It is safe,\u{201d} she said. (It was approved.) Then it sold. She said: \"It works. \" Then it stopped.",
        expected: &[
            (P, "He said, \"It works.\""),
            (P, "Next we tried it."),
            (P, "\u{201c}The drug works."),
            (P, "It is safe,\u{201d} she said."),
            (P, "(It was approved.)"),
            (P, "Then it sold."),
            (P, "She said: \"It works. \""),
            (P, "Then it stopped."),
        ],
    },
    Case {
        name: "sentences_starting_with_quote_or_digit",
        input: "Results were good. \"Amazing,\" said one. 24 studies agreed. \u{2018}Maybe\u{2019} is fair.",
        expected: &[
            (P, "Results were good."),
            (P, "\"Amazing,\" said one."),
            (P, "24 studies agreed."),
            (P, "\u{2018}Maybe\u{2019} is fair."),
        ],
    },
    Case {
        name: "hard_wrapped_paragraph_is_joined",
        input: "Memantine is an NMDA receptor antagonist that\nblocks glutamate. According to the makers of\nthe drug, it was approved\nin 2003 for dementia.\nSide effects are rare, says Dr.\nAna Ruiz. Try painkillers, e.g.\nIbuprofen.",
        expected: &[
            (P, "Memantine is an NMDA receptor antagonist that\nblocks glutamate."),
            (P, "According to the makers of\nthe drug, it was approved\nin 2003 for dementia."),
            (P, "Side effects are rare, says Dr.\nAna Ruiz."),
            (P, "Try painkillers, e.g.\nIbuprofen."),
        ],
    },
    Case {
        name: "wrapped_after_comma_and_dangling_word_with_capital",
        input: "Many patients, including those with chronic pain,\nDepression or PTSD, benefit. This is according to\nPain News Network and others.",
        expected: &[
            (P, "Many patients, including those with chronic pain,\nDepression or PTSD, benefit."),
            (P, "This is according to\nPain News Network and others."),
        ],
    },
    Case {
        name: "line_without_punctuation_ends_unit_before_capital",
        input: "Get updates about new blog content in your inbox\nYou've been subscribed! Watch your inbox\nPost Comment Cancel Reply",
        expected: &[
            (P, "Get updates about new blog content in your inbox"),
            (P, "You've been subscribed!"),
            (P, "Watch your inbox"),
            (H, "Post Comment Cancel Reply"),
        ],
    },
    Case {
        name: "markdown_and_setext_headings",
        input: "# Ketamine and Depression\nKetamine works fast. Really.\n\nSide Effects\n------------\nNausea is common.",
        expected: &[
            (H, "# Ketamine and Depression"),
            (P, "Ketamine works fast."),
            (P, "Really."),
            (H, "Side Effects"),
            (P, "Nausea is common."),
        ],
    },
    Case {
        name: "numbered_lists_and_lowercase_bullets",
        input: "Steps:\n1. Take it daily. It helps.\n2) lowercase item here\n3. Third item\n(4) fourth",
        expected: &[
            (H, "Steps:"),
            (B, "1. Take it daily."),
            (B, "It helps."),
            (B, "2) lowercase item here"),
            (B, "3. Third item"),
            (B, "(4) fourth"),
        ],
    },
    Case {
        name: "bullet_with_indented_continuation",
        input: "* First item continues\n  on the next line. Second sentence.\n  Third sentence here.\nNew paragraph.",
        expected: &[
            (B, "* First item continues\n  on the next line."),
            (B, "Second sentence."),
            (B, "Third sentence here."),
            (P, "New paragraph."),
        ],
    },
    Case {
        name: "run_together_table_text",
        input: "Dose 5 mg 10 mg 20 mgSide effects nausea\nIt brings relief.The drug is safe.He took 2.5mg.Then slept. Max. 20 mg daily.",
        expected: &[
            (P, "Dose 5 mg 10 mg 20 mg"),
            (P, "Side effects nausea"),
            (P, "It brings relief."),
            (P, "The drug is safe."),
            (P, "He took 2.5mg."),
            (P, "Then slept."),
            (P, "Max. 20 mg daily."),
        ],
    },
    Case {
        name: "camel_case_brand_names_are_not_split",
        input: "Use NovoLog or an EpiPen, not an iPhone app; GlaxoSmithKline makes mRNA tools.",
        expected: &[(P, "Use NovoLog or an EpiPen, not an iPhone app; GlaxoSmithKline makes mRNA tools.")],
    },
    Case {
        name: "tab_and_pipe_tables_one_unit_per_row",
        input: "Drug\tDose\tUse\nKetamine\t0.5 mg/kg\tdepression\n\n| Drug | Dose |\n|---|---|\n| Memantine | 10 mg |",
        expected: &[
            (P, "Drug\tDose\tUse"),
            (P, "Ketamine\t0.5 mg/kg\tdepression"),
            (P, "| Drug | Dose |"),
            (P, "| Memantine | 10 mg |"),
        ],
    },
    Case {
        name: "crlf_and_unicode_line_separators",
        input: "First line here.\r\nSecond line here\r\nThird\u{2028}Fourth one.\u{2029}Fifth.",
        expected: &[
            (P, "First line here."),
            (P, "Second line here"),
            (H, "Third"),
            (P, "Fourth one."),
            (P, "Fifth."),
        ],
    },
    Case {
        name: "cjk_full_stops",
        input: "这是第一句。这是第二句！还有吗？",
        expected: &[(P, "这是第一句。"), (P, "这是第二句！"), (P, "还有吗？")],
    },
    Case {
        name: "forum_posts_bylines_and_short_lines_are_not_joined_to_lowercase_text",
        input: "kp_nightshift wrote:\nimitrex shots saved my sanity. no joke\n\nu/retinoid_rat \u{2022} 9h\nalso eye drops help a lot.\n\nASK THE PHARMACIST\nwith Ruth Ngata, PharmD, at St. Columba Hospital",
        expected: &[
            (P, "kp_nightshift wrote:"),
            (P, "imitrex shots saved my sanity."),
            (P, "no joke"),
            (P, "u/retinoid_rat \u{2022} 9h"),
            (P, "also eye drops help a lot."),
            (H, "ASK THE PHARMACIST"),
            (P, "with Ruth Ngata, PharmD, at St. Columba Hospital"),
        ],
    },
    Case {
        name: "short_lines_with_sentences_or_quoted_remarks_are_not_headings",
        input: "We use cookies to improve your experience. Accept all\n\n\u{2605}\u{2605}\u{2605}\u{2605} \"Worth it.\" anonymous\n\nWould love to hear from you!! Drop a comment \u{1f447}\n\nThe End",
        expected: &[
            (P, "We use cookies to improve your experience."),
            (P, "Accept all"),
            (P, "\u{2605}\u{2605}\u{2605}\u{2605} \"Worth it.\" anonymous"),
            (P, "Would love to hear from you!!"),
            (P, "Drop a comment \u{1f447}"),
            (H, "The End"),
        ],
    },
    Case {
        name: "informal_lowercase_sentences_split_after_plain_words_only",
        input: "i did 2 rounds. it helped a bit. \"Stop.\" he said. Take approx. five, avg. dose, no. of pills, etc. and vitamin D. daily.",
        expected: &[
            (P, "i did 2 rounds."),
            (P, "it helped a bit."),
            (P, "\"Stop.\" he said."),
            (P, "Take approx. five, avg. dose, no. of pills, etc. and vitamin D. daily."),
        ],
    },
    Case {
        name: "acronyms_are_not_titles_and_q_a_labels_do_not_split",
        input: "It damages nerves in MS. It is approved. Ask Ms. Lee.\nQ. My doctor wants me to take it. Why?\nA. It's a common worry.",
        expected: &[
            (P, "It damages nerves in MS."),
            (P, "It is approved."),
            (P, "Ask Ms. Lee."),
            (P, "Q. My doctor wants me to take it."),
            (P, "Why?"),
            (P, "A. It's a common worry."),
        ],
    },
    Case {
        name: "bold_paragraph_with_sentences_is_prose",
        input: "**Important: this drug can cause drowsiness. Do not drive.**\n__Warnings__",
        expected: &[
            (P, "**Important: this drug can cause drowsiness."),
            (P, "Do not drive.**"),
            (H, "__Warnings__"),
        ],
    },
    Case {
        name: "rules_and_symbol_only_lines_are_dropped",
        input: "Intro text here.\n\n* * *\n---\n\u{1f600}\u{1f600}\n\nMore text.",
        expected: &[(P, "Intro text here."), (P, "More text.")],
    },
];

fn render(text: &str, units: &[(SentenceKind, &str)]) -> String {
    let _ = text;
    units.iter().map(|(k, s)| format!("  {k:?}: {s:?}\n")).collect()
}

#[test]
fn fixture_cases() {
    let mut failures = Vec::new();
    for case in CASES {
        let got: Vec<(SentenceKind, &str)> =
            segment(case.input).into_iter().map(|(span, kind)| (kind, span.slice(case.input))).collect();
        check_invariants(case.input, &segment(case.input)).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        if got != case.expected {
            failures.push(format!(
                "--- case `{}`\ninput:\n{:?}\nexpected:\n{}got:\n{}",
                case.name,
                case.input,
                render(case.input, case.expected),
                render(case.input, &got)
            ));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), CASES.len(), failures.join("\n"));
}

/// The span invariants of the segmenter's contract.
fn check_invariants(text: &str, units: &[(ByteSpan, SentenceKind)]) -> Result<(), String> {
    let mut prev_end = 0;
    for (i, (span, _)) in units.iter().enumerate() {
        if span.end > text.len() || span.start >= span.end {
            return Err(format!("unit {i} {span:?} out of bounds or empty (len {})", text.len()));
        }
        if !text.is_char_boundary(span.start) || !text.is_char_boundary(span.end) {
            return Err(format!("unit {i} {span:?} not on char boundaries"));
        }
        if span.start < prev_end {
            return Err(format!("unit {i} {span:?} overlaps or is out of order (previous end {prev_end})"));
        }
        let s = span.slice(text);
        if s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace) {
            return Err(format!("unit {i} {s:?} not trimmed"));
        }
        prev_end = span.end;
    }
    let mut u = 0;
    for (p, c) in text.char_indices() {
        if !c.is_alphanumeric() {
            continue;
        }
        while u < units.len() && units[u].0.end <= p {
            u += 1;
        }
        if u == units.len() || units[u].0.start > p {
            return Err(format!("alphanumeric {c:?} at byte {p} is in no unit"));
        }
    }
    Ok(())
}

fn messy_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::sample::select(vec![
            ' ', ' ', '\n', '\n', '\r', '\t', '\u{2028}', '\u{2029}', '\u{85}', '\u{a0}', '\u{3000}',
            '.', '.', '.', '!', '?', ',', ';', ':', '"', '\'', '\u{201c}', '\u{201d}', '\u{2019}', '(', ')',
            '*', '-', '#', '|', '\u{2022}', '\u{2026}', '\u{3002}', '\u{ff01}', '\u{301}', '\u{200d}',
            '\u{fe0f}', '\u{1f600}', '\u{1f469}', '\u{4e2d}', '\u{6587}', '\u{5d0}', '\u{627}', '\u{61f}',
            'a', 'e', 'g', 'i', 'm', 'D', 'J', 'U', 'S', 'T', 'r', '1', '2', '0', '@', '/', '_',
        ]),
        1 => any::<char>(),
    ]
}

fn messy_text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(messy_char(), 0..300).prop_map(|v| v.into_iter().collect()),
        prop::collection::vec(
            prop::sample::select(vec![
                "Dr.", "e.g.", "U.S.", "J.", "K.", "2.5", "mg", "mgSide", "relief.The", "the", "The",
                "...", "\u{2026}", "?!", "\"", "\u{201d}", "\n", "\n\n", "* ", "- ", "1. ", "# ", "**Bold:**",
                "\t", " | ", "www.example.com", "doi:10.1000/xyz.123", "\u{1f600}", "\u{4e2d}\u{6587}\u{3002}",
                "\u{5e9}\u{5dc}\u{5d5}\u{5dd}.", "e\u{301}", "\r\n", "\u{2028}", "word", "Word", " ", " ",
                "Q.", "(", "*", "\u{3002}", "\u{201c}", ".", "!", "?", "MS.", "St.", "etc.", "a.m.", "Inc.", "No.", "5",
            ]),
            0..120,
        )
        .prop_flat_map(|v| (Just(v), any::<bool>()))
        .prop_map(|(v, spaced)| if spaced { v.join(" ") } else { v.concat() }),
        prop::collection::vec(prop::sample::select(vec!["ab", "Cd", "x", " ", "\u{a0}", "\u{e9}"]), 0..1500)
            .prop_map(|v| v.concat()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn spans_are_well_formed_on_messy_unicode(text in messy_text()) {
        let units = segment(&text);
        if let Err(e) = check_invariants(&text, &units) {
            prop_assert!(false, "{e}\ninput: {text:?}\nunits: {:?}", units.iter().map(|(s, _)| s.slice(&text)).collect::<Vec<_>>());
        }
        for (span, _) in &units {
            prop_assert!(span.len() <= 1000, "unit of {} bytes", span.len());
        }
    }

    #[test]
    fn spans_are_well_formed_on_arbitrary_strings(text in any::<String>()) {
        let units = segment(&text);
        if let Err(e) = check_invariants(&text, &units) {
            prop_assert!(false, "{e}\ninput: {text:?}");
        }
    }
}

#[test]
fn long_unpunctuated_text_is_cut_at_whitespace() {
    let words = ["Dose", "5", "mg", "daily", "nausea", "headache", "Side", "effects"];
    let text: String = (0..600).map(|i| words[i % words.len()]).collect::<Vec<_>>().join(" ");
    let units = segment(&text);
    check_invariants(&text, &units).unwrap();
    assert!(units.len() >= 8, "only {} units", units.len());
    for (span, _) in &units {
        let s = span.slice(&text);
        assert!(s.len() <= 400, "unit of {} bytes", s.len());
        // cut at whitespace: every unit is made of whole words
        for w in s.split(' ') {
            assert!(words.contains(&w), "word cut: {w:?}");
        }
    }
}

#[test]
fn huge_one_line_article_is_linear() {
    let para = "Memantine, approx. 10 mg (see Fig. 2), helped 14.9% of patients vs. 0.5% in the U.S. trial; Dr. J. K. Smith said \u{201c}it works.\u{201d} See www.example.com/a.b?c=d... Really?! 中文。 ";
    let target = if cfg!(debug_assertions) { 2_000_000 } else { 12_000_000 };
    let text = para.repeat(target / para.len() + 1);
    let t0 = std::time::Instant::now();
    let units = segment(&text);
    let dt = t0.elapsed();
    eprintln!("{} MB, {} units in {dt:?}", text.len() / 1_000_000, units.len());
    assert!(units.len() > 1000);
    let limit = if cfg!(debug_assertions) { 20.0 } else { 1.0 };
    assert!(dt.as_secs_f64() < limit, "{} MB took {dt:?}", text.len() / 1_000_000);
    // One long token with no whitespace at all must not be quadratic either.
    let blob = "a.b".repeat(target / 6);
    let t0 = std::time::Instant::now();
    let units = segment(&blob);
    let dt = t0.elapsed();
    eprintln!("{} MB without whitespace, {} units in {dt:?}", blob.len() / 1_000_000, units.len());
    assert!(dt.as_secs_f64() < limit);
    assert!(units.iter().all(|(s, _)| s.len() <= 1000));
    // Many short lines, blank lines and unpunctuated words.
    for (name, piece) in [("short lines", "Side effects\n- nausea\n\n"), ("blank lines", "\n\r\n \u{2029}"), ("words", "dose mg ")] {
        let text = piece.repeat(target / piece.len());
        let t0 = std::time::Instant::now();
        let units = segment(&text);
        let dt = t0.elapsed();
        eprintln!("{} MB of {name}, {} units in {dt:?}", text.len() / 1_000_000, units.len());
        assert!(dt.as_secs_f64() < limit, "{name}: {dt:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Gold contexts must each fall inside one unit.

/// Text with all whitespace removed, and the byte offset in the original of each kept byte.
fn squeeze(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len());
    for (p, c) in text.char_indices() {
        if c.is_whitespace() {
            continue;
        }
        for k in 0..c.len_utf8() {
            map.push(p + k);
        }
        out.push(c);
    }
    (out, map)
}

struct GoldReport {
    inside: usize,
    total: usize,
    not_found: usize,
    failures: Vec<String>,
}

/// `keep(i)` selects by position `i` in the sorted list of gold files.
fn gold_check(corpus: &Path, gold: &Path, keep: impl Fn(usize) -> bool) -> GoldReport {
    let mut rep = GoldReport { inside: 0, total: 0, not_found: 0, failures: Vec::new() };
    let mut files: Vec<PathBuf> = std::fs::read_dir(gold).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files.retain(|f| f.extension().is_some_and(|e| e == "json"));
    for (i, gf) in files.into_iter().enumerate() {
        if !keep(i) {
            continue;
        }
        let g: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&gf).unwrap()).unwrap();
        let doc = g["doc"].as_str().unwrap().to_string();
        let text = String::from_utf8_lossy(&std::fs::read(corpus.join(&doc)).unwrap()).into_owned();
        let units = segment(&text);
        let (sq, map) = squeeze(&text);
        for field in ["claims", "hedges"] {
            for item in g[field].as_array().into_iter().flatten() {
                let Some(ctx) = item["context"].as_str() else { continue };
                let (cq, _) = squeeze(ctx);
                if cq.is_empty() {
                    continue;
                }
                rep.total += 1;
                let mut found = false;
                let mut ok = false;
                for (p, _) in sq.match_indices(cq.as_str()) {
                    found = true;
                    let span = ByteSpan::new(map[p], map[p + cq.len() - 1] + 1);
                    if units.iter().any(|(u, _)| u.contains(span)) {
                        ok = true;
                        break;
                    }
                }
                if ok {
                    rep.inside += 1;
                } else if !found {
                    rep.not_found += 1;
                    rep.failures.push(format!("{doc} {field}: NOT FOUND {ctx:?}"));
                } else {
                    rep.failures.push(format!("{doc} {field}: crosses a unit boundary {ctx:?}"));
                }
            }
        }
    }
    rep
}

fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if p.join("gold/seeds").is_dir() {
        Some(p)
    } else {
        eprintln!("skipping: {} not found", p.display());
        None
    }
}

/// Seed (dev) articles: 169 of 171 contexts; the other two cross a real boundary ("…you might
/// have. They can", a heading plus the next paragraph). The old splitter (every `.` and newline)
/// also kept 169 only because the contexts are short and hold no abbreviations.
const MIN_SEED: usize = 169;

#[test]
fn seed_gold_contexts_lie_inside_one_sentence() {
    let Some(sh) = shared() else { return };
    let rep = gold_check(&sh.join("corpus-seeds"), &sh.join("gold/seeds"), |_| true);
    eprintln!("seeds: {}/{} gold contexts inside one unit ({} not found)", rep.inside, rep.total, rep.not_found);
    for f in &rep.failures {
        eprintln!("  {f}");
    }
    assert!(rep.inside >= MIN_SEED, "{}/{}:\n{}", rep.inside, rep.total, rep.failures.join("\n"));
}

/// Training articles of web-synthetic: the first 45 gold files in sorted order (a01-a20,
/// b01-b20, c01-c05); the last 15 (c06-c20) are held out, see the ignored test. 675 of 678
/// contexts (the old splitter: 670, it cut "63.1%" and "4. Possible side effects"); the other
/// three cross a real boundary ("It might. But we need", "lifetime. Some research suggests").
const MIN_TRAIN: usize = 675;

#[test]
fn training_gold_contexts_lie_inside_one_sentence() {
    let Some(sh) = shared() else { return };
    let dir = sh.join("data/web-synthetic");
    if !dir.is_dir() {
        eprintln!("skipping: {} not found", dir.display());
        return;
    }
    let rep = gold_check(&dir.join("corpus"), &dir.join("gold"), |i| i < 45);
    eprintln!("web-synthetic train (first 45): {}/{} inside one unit ({} not found)", rep.inside, rep.total, rep.not_found);
    for f in &rep.failures {
        eprintln!("  {f}");
    }
    assert!(rep.inside >= MIN_TRAIN, "{}/{}:\n{}", rep.inside, rep.total, rep.failures.join("\n"));
}

#[test]
#[ignore = "held-out report: cargo test --test segment -- --ignored --nocapture"]
fn heldout_gold_contexts_report() {
    let Some(sh) = shared() else { return };
    let dir = sh.join("data/web-synthetic");
    let rep = gold_check(&dir.join("corpus"), &dir.join("gold"), |i| i >= 45);
    eprintln!("web-synthetic held-out (last 15): {}/{} inside one unit ({} not found)", rep.inside, rep.total, rep.not_found);
    for f in &rep.failures {
        eprintln!("  {f}");
    }
}

/// Dev aid: `SEG_DUMP=path/to/file.txt cargo test --test segment dump -- --ignored --nocapture`
/// prints every unit with its kind.
#[test]
#[ignore = "dev aid, needs SEG_DUMP"]
fn dump() {
    let Ok(paths) = std::env::var("SEG_DUMP") else { return };
    for path in paths.split(':') {
        let text = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
        println!("=== {path}");
        for (span, kind) in segment(&text) {
            println!("{kind:?}\t{:?}", span.slice(&text));
        }
    }
}
