//! No message template, however written, exhausts memory, aborts or hangs a draft (a user's
//! template is input: "template bombs" of loops, repeats and nesting): each is refused when it is
//! loaded, or stopped while it renders, with an error that names the template and what was
//! exceeded. The reproductions in `../shared/cases/reliability/F15_*` are here verbatim; the rest
//! are variants of the class. That every test finishes is the guard against a hang: nothing here is
//! timed.

mod common;
use common::*;
use rekindle_core::compose::{self, ComposeError, Composer, Draft};
use rekindle_core::*;
use std::collections::BTreeMap;

fn composer(body: &str) -> Result<Composer, ComposeError> {
    let mut overrides = BTreeMap::new();
    overrides.insert("breakup".to_string(), format!("Subject: x\n\n{body}"));
    Composer::new(&overrides)
}

/// A deal whose problem, in their words, is `problem`.
fn with_problem(problem: &str) -> Fixture {
    deal("proposal")
        .discovered()
        .engaged(40.0)
        .touch(20.0)
        .touch(10.0)
        .with(|r| {
            for f in r.facts.iter_mut().filter(|f| f.kind == FactKind::Problem) {
                f.text = problem.to_string();
            }
        })
}

fn draft_with(body: &str, d: &Fixture) -> Result<Draft, ComposeError> {
    composer(body)?.draft(
        &d.0,
        &d.assess(),
        PlayKind::Breakup,
        now(),
        &Policy::default(),
    )
}

/// Asserts that `body` fails as a breakup template, with an error naming the template and
/// containing `what`.
#[track_caller]
fn refused(body: &str, d: &Fixture, what: &str) {
    match draft_with(body, d) {
        Err(ComposeError::Template { name, message }) => {
            assert_eq!(name, "breakup", "{message}");
            assert!(message.contains(what), "expected {what:?} in: {message}");
        }
        other => panic!("expected the template refused ({what}), got {other:?}"),
    }
}

#[test]
fn the_reported_bombs_are_refused_when_loaded() {
    let d = with_problem("p");
    let dir = "line 3";
    refused(
        r#"{% macro d(s, n) %}{% if n > 0 %}{{ d(s ~ s, n - 1) }}{% else %}{{ s|length }}{% endif %}{% endmacro %}{{ d("xxxxxxxxxxxxxxxx", 40) }}"#,
        &d,
        "macros are not allowed",
    );
    refused(
        r#"{% set a = "x" * 100000000 %}{% set b = a ~ a ~ a ~ a ~ a ~ a ~ a ~ a %}{{ b|length }}"#,
        &d,
        "`*` is not allowed",
    );
    refused(
        r#"{{ ("ab" * 10000)|replace("a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")|replace("a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")|replace("a","aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")|length }}"#,
        &d,
        dir,
    );
    refused(
        r#"{% for i in range(10000) %}{{ "y" * 100000 }}{% endfor %}"#,
        &d,
        "`*` is not allowed",
    );
}

#[test]
fn every_way_of_building_text_in_memory_is_refused_when_loaded() {
    let d = with_problem("p");
    for (body, what) in [
        // Loops and chains that concatenate.
        (
            "{% for i in range(40) %}{% set s = s ~ s %}{% endfor %}{{ s }}",
            "`~` is not allowed",
        ),
        (
            "{% set a = problem %}{% set b = a ~ (a ~ (a ~ a)) %}{{ b }}",
            "`~` is not allowed",
        ),
        ("{{ problem + problem }}", "`+` only adds a number"),
        ("{{ (problem + problem) + 1 }}", "`+` only adds a number"),
        ("{{ problem * 3 }}", "`*` is not allowed"),
        ("{{ 3 * problem }}", "`*` is not allowed"),
        // Output captured into a value, then used twice.
        (
            "{% set a %}{{ problem }}{{ problem }}{% endset %}{% set b %}{{ a }}{{ a }}{% endset %}{{ b }}",
            "endset",
        ),
        (
            "{% filter upper %}{{ problem }}{% endfilter %}",
            "`{% filter %}` block",
        ),
        (
            "{% macro twice(s) %}{{ s }}{{ s }}{% endmacro %}{{ twice(twice(twice(problem))) }}",
            "macros are not allowed",
        ),
        (
            "{% macro r(n) %}{{ r(n + 1) }}{% endmacro %}{{ r(0) }}",
            "macros are not allowed",
        ),
        (
            "{% for x in [[1, [2]]] recursive %}{{ loop(x) }}{% endfor %}",
            "recursive loop",
        ),
        ("{% include \"breakup\" %}", "`include` is not allowed"),
        (
            "{% extends \"value_add\" %}{% block b %}{% endblock %}",
            "not allowed",
        ),
        // Values that refer to one value twice, or carry from one iteration to the next.
        (
            "{{ [problem, problem]|join }}",
            "a list may only hold constants",
        ),
        (
            "{{ {\"a\": problem}|items|list }}",
            "a map may only hold constants",
        ),
        (
            "{% set ns = namespace(s=\"x\") %}{% for i in range(40) %}{% set ns.s = [ns.s, ns.s]|join %}{% endfor %}",
            "can be called",
        ),
        ("{{ dict(a=problem, b=problem) }}", "can be called"),
        ("{{ debug() }}", "can be called"),
        // Filters that pad, repeat or format.
        ("{{ problem|indent(100000000) }}", "the filter `indent`"),
        (
            "{{ \"%s%s\"|format(problem, problem) }}",
            "the filter `format`",
        ),
        (
            "{{ range(10)|batch(1000000000, \"x\")|list }}",
            "the filter `batch`",
        ),
        (
            "{{ range(10)|chain(range(10))|list }}",
            "the filter `chain`",
        ),
        ("{{ problem|center(1000000000) }}", "the filter `center`"),
        ("{{ problem|pprint }}", "the filter `pprint`"),
        ("{{ problem[::-1] }}", "slices are not allowed"),
        ("{{ first_name.upper() }}", "can be called"),
        (
            "{{ [\"a\"]|map(\"indent\", 1000000000)|list }}",
            "`map` applies a filter",
        ),
        (
            "{{ [\"a\"]|map(first_name)|list }}",
            "`map` applies a filter",
        ),
    ] {
        refused(body, &d, what);
    }
}

#[test]
fn a_template_larger_than_the_cap_is_refused() {
    let big = "a".repeat(compose::MAX_TEMPLATE_BYTES + 1);
    refused(&big, &with_problem("p"), "MAX_TEMPLATE_BYTES");
}

#[test]
fn output_past_the_cap_stops_the_draft() {
    let d = with_problem(&"word ".repeat(2_000));
    // A loop over a long value: 10 KB a turn passes 256 KiB long before the fuel runs out.
    refused(
        "{% for i in range(1000) %}{{ problem }}{% endfor %}",
        &d,
        "MAX_DRAFT_BYTES",
    );
    // Plain text in a loop is output too.
    let line = "x".repeat(1000);
    refused(
        &format!("{{% for i in range(5000) %}}{line}{{% endfor %}}"),
        &d,
        "MAX_DRAFT_BYTES",
    );
}

#[test]
fn filters_cannot_grow_a_value_past_the_caps() {
    let d = with_problem(&"ab".repeat(10_000));
    let long = "a".repeat(80);
    // replace: the result's size is known before it is built.
    refused(
        &format!(
            "{{{{ problem|replace(\"a\", \"{long}\")|replace(\"a\", \"{long}\")|replace(\"a\", \"{long}\")|length }}}}"
        ),
        &d,
        "MAX_VALUE_BYTES",
    );
    // A huge list printed as text, or joined.
    refused("{{ range(100000)|string|length }}", &d, "(MAX_VALUE_");
    refused("{{ range(100000)|join(\",\")|length }}", &d, "(MAX_VALUE_");
    refused("{{ problem|join(problem)|length }}", &d, "MAX_VALUE_BYTES");
    // A long list made whole.
    refused("{{ range(100000)|list|length }}", &d, "MAX_VALUE_ITEMS");
    refused("{{ problem|list|length }}", &d, "MAX_VALUE_ITEMS");
}

#[test]
fn many_small_results_count_against_the_work_budget() {
    // Each result is under the value cap, but together they pass the budget: `map` applies
    // the same counted filters.
    let d = with_problem(&"ab".repeat(10_000));
    refused(
        "{{ range(10000)|map(\"replace\", \"1\", problem)|list|length }}",
        &d,
        "MAX_FILTER_WORK_BYTES",
    );
    refused(
        "{% for i in range(10000) %}{% if problem|upper|length > 0 %}{% endif %}{% endfor %}",
        &d,
        "MAX_FILTER_WORK_BYTES",
    );
}

#[test]
fn long_loops_run_out_of_fuel() {
    refused(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        &with_problem("p"),
        "(FUEL)",
    );
}

#[test]
fn the_built_in_templates_keep_to_the_rules() {
    for (play, source) in compose::TEMPLATES {
        assert_eq!(
            compose::bounds::check(play.as_str(), source),
            Ok(()),
            "{play}"
        );
    }
}

#[test]
fn a_template_within_the_rules_renders() {
    let d = with_problem("dispatchers rebuild the schedule by hand");
    let draft = draft_with(
        "Hi {{ first_name|upper }},\n\
         {% for w in problem|split|list %}{% if loop.index0 + 1 == 2 %}[{{ w|title }}]{% endif %}{% endfor %}\n\
         {{ problem|replace(\"hand\", \"spreadsheet\")|default(\"none\") }}\n\
         {{ [\"b\", \"a\"]|sort(reverse=true)|join(\", \") }} / {{ [\"x\", \"y\"]|map(\"upper\")|join }}\n\
         {{ missing|default(\"no value\") }} {{ problem|length }}\n\
         {{ rep }}\n",
        &d,
    )
    .unwrap();
    assert_eq!(
        draft.body,
        "Hi DANA,\n[Rebuild]\ndispatchers rebuild the schedule by spreadsheet\nb, a / XY\nno value 40\nAlex Morgan\n",
        "{}",
        draft.body
    );
}

/// Pieces of template syntax, so generated templates reach the checker's and the renderer's
/// paths rather than failing to parse at once.
const PIECES: &[&str] = &[
    "{{ ",
    " }}",
    "{% ",
    " %}",
    "for i in ",
    "range(",
    "100000",
    ")",
    "endfor",
    "if ",
    "endif",
    "set a = ",
    "endset",
    "macro m(s)",
    "endmacro",
    "m(",
    "problem",
    "first_name",
    "a",
    "~",
    "*",
    "+",
    "1",
    "|",
    "join",
    "replace(\"a\", \"aaaaaaaa\")",
    "string",
    "list",
    "upper",
    "map(\"upper\")",
    "[",
    "]",
    ",",
    "\"x\"",
    "(",
    " ",
    "\n",
    "loop.index",
    "[::-1]",
    "-",
    "else",
    "include \"breakup\"",
    "namespace()",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

    /// Whatever the template, loading and drafting end with a draft or an error, never a
    /// panic, and a draft is never larger than the cap.
    #[test]
    fn any_template_drafts_or_fails_cleanly(
        pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..40),
        noise in ".{0,40}",
    ) {
        let body = format!("{}{noise}", pieces.concat());
        let d = with_problem(&"ab".repeat(1_000));
        if let Ok(draft) = draft_with(&body, &d) {
            proptest::prop_assert!(draft.body.len() <= compose::MAX_DRAFT_BYTES);
        }
    }
}
