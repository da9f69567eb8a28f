//! What a message template may do, so that no template, however written, can exhaust memory or
//! hang a draft.
//!
//! minijinja's fuel counts instructions, not bytes: one `"x" * 100000000`, a `~` that doubles a
//! string forty times through a recursive macro, or a `replace` that turns every letter into
//! eighty each allocate gigabytes in a handful of instructions. A template here is therefore
//! checked before it is compiled, against a subset of the language that cannot grow a value
//! faster than its work is counted:
//! - text is put side by side (`{{ a }}{{ b }}`), never built: `~`, `*` and string `+` are
//!   refused (a number may still be added to a number literal: `loop.index0 + 1`);
//! - nothing captures rendered output into a value (`{% set x %}...{% endset %}`, `{% filter %}`
//!   blocks, macros and call blocks, recursive loops), so everything rendered goes through one
//!   writer capped at [`MAX_DRAFT_BYTES`];
//! - nothing references other templates (`include`, `import`, `extends`, blocks): one file is
//!   one play's message;
//! - list and map literals hold constants only, and `dict`, `namespace` and `debug` are not
//!   available, so no value refers to another twice (no structure that doubles at each step)
//!   and nothing carries a value from one loop iteration to the next;
//! - slices are refused (each would copy its string outside the count); filters come from a
//!   list ([`FILTERS`]), each wrapped so that what it takes and makes counts against
//!   [`MAX_FILTER_WORK_BYTES`], and no value it takes or makes may pass [`MAX_VALUE_BYTES`] or
//!   [`MAX_VALUE_ITEMS`]; `replace` and `join` compute their output's size before building it.
//!
//! The built-in templates are held to the same rules (a test checks it), so a user can copy one
//! and edit it.

use minijinja::machinery::ast::{BinOpKind, CallArg, Expr, Stmt};
use minijinja::machinery::{WhitespaceConfig, parse};
use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Object, Rest, Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind, State};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The largest template source accepted, in bytes (64 KiB). The built-in templates are under
/// 1 KiB; a message template of more is not a message.
pub const MAX_TEMPLATE_BYTES: usize = 64 * 1024;

/// The largest draft a template may render, in bytes (256 KiB): far above any email a rep would
/// send (a long one is a few KiB), and low enough that rendering never costs memory that matters.
pub const MAX_DRAFT_BYTES: usize = 256 * 1024;

/// The largest string a filter may take or make, in bytes (256 KiB, [`MAX_DRAFT_BYTES`]): a
/// value larger than the whole draft cannot end up in it.
pub const MAX_VALUE_BYTES: usize = MAX_DRAFT_BYTES;

/// The most items a list a filter takes or makes may hold (10,000): a message lists a handful of
/// questions or facts.
pub const MAX_VALUE_ITEMS: usize = 10_000;

/// What the filters of one draft may take and make together, in bytes (16 MiB; an item of a
/// list counts 16): the sum of every filter's input and output sizes. Rendering a built-in
/// template costs a few KiB; the budget bounds the memory a draft can hold through filters and
/// the time they take.
pub const MAX_FILTER_WORK_BYTES: usize = 16 * 1024 * 1024;

/// Template evaluation budget in minijinja fuel (about one unit an instruction), so a template
/// cannot loop for long: 10,000 is ample for a message (a built-in template uses under 200).
pub const FUEL: u64 = 10_000;

/// What one list item counts in the work budget, in bytes (about a minijinja value's size).
const ITEM_BYTES: usize = 16;

/// The filters a message template may use. Each either keeps its input's size or shrinks it
/// (`lower`, `trim`, `first`, `sort`, `select`...), or has its output size checked before it is
/// built (`replace`, `join`). Left out: filters that can pad or repeat (`indent`, `format`,
/// `batch`, `slice`), combine lists into ones that refer to the same values twice (`chain`,
/// `zip`, `groupby`), print a structure whole (`pprint`), or mark text safe for HTML
/// (`safe`, `escape`: messages are plain text).
pub const FILTERS: &[&str] = &[
    "abs",
    "attr",
    "bool",
    "capitalize",
    "count",
    "d",
    "default",
    "dictsort",
    "first",
    "float",
    "int",
    "items",
    "join",
    "last",
    "length",
    "lines",
    "list",
    "lower",
    "map",
    "max",
    "min",
    "reject",
    "rejectattr",
    "replace",
    "reverse",
    "round",
    "select",
    "selectattr",
    "sort",
    "split",
    "string",
    "sum",
    "title",
    "trim",
    "unique",
    "upper",
];

/// The functions a template may call: `range` (at most 100,000 numbers, made as they are used),
/// and the loop's own `loop.cycle(...)` and `loop.changed(...)`.
const FUNCTIONS: &[&str] = &["range"];
const LOOP_METHODS: &[&str] = &["cycle", "changed"];

/// Checks `source` against the subset of the template language a message template may use
/// (see the module docs). `name` names it in a syntax error. The error says where and what,
/// and how to write it instead.
pub fn check(name: &str, source: &str) -> Result<(), String> {
    if source.len() > MAX_TEMPLATE_BYTES {
        return Err(format!(
            "the template is {} bytes; the most is {} KiB (MAX_TEMPLATE_BYTES)",
            source.len(),
            MAX_TEMPLATE_BYTES / 1024
        ));
    }
    // The default syntax, as the environment compiles with (a unit struct unless minijinja's
    // custom syntax is enabled).
    #[allow(clippy::default_constructed_unit_structs)]
    let ast = parse(
        source,
        name,
        SyntaxConfig::default(),
        WhitespaceConfig::default(),
    )
    .map_err(|e| e.to_string())?;
    stmt(&ast)
}

fn refuse<T>(line: u16, what: &str) -> Result<T, String> {
    Err(format!(
        "line {line}: {what} (a message template only places values and text; see \"Message templates\" in README.md)"
    ))
}

fn stmts(body: &[Stmt<'_>]) -> Result<(), String> {
    body.iter().try_for_each(stmt)
}

fn stmt(s: &Stmt<'_>) -> Result<(), String> {
    match s {
        Stmt::Template(t) => stmts(&t.children),
        Stmt::EmitExpr(e) => expr(&e.expr),
        Stmt::EmitRaw(_) => Ok(()),
        Stmt::ForLoop(f) => {
            if f.recursive {
                return refuse(f.span().start_line, "a recursive loop is not allowed");
            }
            target(&f.target)?;
            expr(&f.iter)?;
            if let Some(e) = &f.filter_expr {
                expr(e)?;
            }
            stmts(&f.body)?;
            stmts(&f.else_body)
        }
        Stmt::IfCond(i) => {
            expr(&i.expr)?;
            stmts(&i.true_body)?;
            stmts(&i.false_body)
        }
        Stmt::WithBlock(w) => {
            for (t, e) in &w.assignments {
                target(t)?;
                expr(e)?;
            }
            stmts(&w.body)
        }
        Stmt::Set(set) => {
            target(&set.target)?;
            expr(&set.expr)
        }
        Stmt::AutoEscape(a) => {
            expr(&a.enabled)?;
            stmts(&a.body)
        }
        Stmt::SetBlock(b) => refuse(
            b.span().start_line,
            "`{% set %}...{% endset %}` is not allowed: set a value with `{% set x = ... %}`",
        ),
        Stmt::FilterBlock(b) => refuse(
            b.span().start_line,
            "a `{% filter %}` block is not allowed: apply the filter to the value",
        ),
        Stmt::Macro(m) => refuse(m.span().start_line, "macros are not allowed"),
        Stmt::CallBlock(c) => refuse(c.span().start_line, "call blocks are not allowed"),
        Stmt::Do(d) => refuse(d.span().start_line, "`{% do %}` is not allowed"),
        Stmt::Block(b) => refuse(b.span().start_line, "blocks are not allowed"),
        Stmt::Extends(e) => refuse(e.span().start_line, "`extends` is not allowed"),
        Stmt::Include(i) => refuse(i.span().start_line, "`include` is not allowed"),
        Stmt::Import(i) => refuse(i.span().start_line, "`import` is not allowed"),
        Stmt::FromImport(i) => refuse(i.span().start_line, "`import` is not allowed"),
        #[allow(unreachable_patterns)]
        _ => refuse(0, "this statement is not allowed"),
    }
}

/// What a `for`, `with` or `set` binds: names, or a tuple of names.
fn target(e: &Expr<'_>) -> Result<(), String> {
    match e {
        Expr::Var(_) => Ok(()),
        Expr::List(l) => l.items.iter().try_for_each(target),
        other => refuse(
            other.span().start_line,
            "only a name (or names) can be assigned to",
        ),
    }
}

fn args(args: &[CallArg<'_>]) -> Result<(), String> {
    args.iter().try_for_each(|a| match a {
        CallArg::Pos(e) | CallArg::Kwarg(_, e) => expr(e),
        CallArg::PosSplat(e) | CallArg::KwargSplat(e) => refuse(
            e.span().start_line,
            "`*args` and `**kwargs` are not allowed",
        ),
    })
}

fn is_number(e: &Expr<'_>) -> bool {
    matches!(e, Expr::Const(c) if c.value.kind() == ValueKind::Number)
}

fn expr(e: &Expr<'_>) -> Result<(), String> {
    let line = e.span().start_line;
    match e {
        Expr::Var(v) => match v.id {
            "namespace" | "dict" | "debug" | "self" | "super" | "caller" | "varargs" | "kwargs" => {
                refuse(line, &format!("`{}` is not available", v.id))
            }
            _ => Ok(()),
        },
        Expr::Const(_) => Ok(()),
        Expr::Slice(_) => refuse(
            line,
            "slices are not allowed: use `first`, `last` or a loop",
        ),
        Expr::UnaryOp(u) => expr(&u.expr),
        Expr::BinOp(b) => {
            match b.op {
                BinOpKind::Concat => {
                    return refuse(
                        line,
                        "`~` is not allowed: put the values side by side, {{ a }}{{ b }}",
                    );
                }
                BinOpKind::Mul => {
                    return refuse(
                        line,
                        "`*` is not allowed (it repeats text): write the text out",
                    );
                }
                BinOpKind::Add if !is_number(&b.left) && !is_number(&b.right) => {
                    return refuse(
                        line,
                        "`+` only adds a number to a number literal (`loop.index0 + 1`): put text side by side, {{ a }}{{ b }}",
                    );
                }
                _ => {}
            }
            expr(&b.left)?;
            expr(&b.right)
        }
        Expr::Compare(c) => {
            expr(&c.expr)?;
            c.ops.iter().try_for_each(|op| expr(&op.expr))
        }
        Expr::IfExpr(i) => {
            expr(&i.test_expr)?;
            expr(&i.true_expr)?;
            match &i.false_expr {
                Some(f) => expr(f),
                None => Ok(()),
            }
        }
        Expr::Filter(f) => {
            if !FILTERS.contains(&f.name) {
                return refuse(
                    line,
                    &format!(
                        "the filter `{}` is not allowed; these are: {}",
                        f.name,
                        FILTERS.join(", ")
                    ),
                );
            }
            // `map` applies a filter named at run time: only one from the list, written out.
            if f.name == "map"
                && let Some(CallArg::Pos(first)) = f.args.first()
            {
                let named = match first {
                    Expr::Const(c) => c.value.as_str().map(|s| FILTERS.contains(&s)),
                    _ => None,
                };
                if named != Some(true) {
                    return refuse(
                        line,
                        "`map` applies a filter from the list, named as a constant (\"upper\")",
                    );
                }
            }
            if let Some(inner) = &f.expr {
                expr(inner)?;
            }
            args(&f.args)
        }
        Expr::Test(t) => {
            expr(&t.expr)?;
            args(&t.args)
        }
        Expr::GetAttr(g) => expr(&g.expr),
        Expr::GetItem(g) => {
            expr(&g.expr)?;
            expr(&g.subscript_expr)
        }
        Expr::Call(c) => {
            let allowed = match &c.expr {
                Expr::Var(v) => FUNCTIONS.contains(&v.id),
                Expr::GetAttr(g) => {
                    matches!(&g.expr, Expr::Var(v) if v.id == "loop")
                        && LOOP_METHODS.contains(&g.name)
                }
                _ => false,
            };
            if !allowed {
                return refuse(
                    line,
                    "only `range(...)`, `loop.cycle(...)` and `loop.changed(...)` can be called",
                );
            }
            args(&c.args)
        }
        Expr::List(l) => {
            if l.as_const().is_none() {
                return refuse(
                    line,
                    "a list may only hold constants (\"a\", 1): loop over the values instead",
                );
            }
            Ok(())
        }
        Expr::Map(m) => {
            if m.as_const().is_none() {
                return refuse(line, "a map may only hold constants");
            }
            Ok(())
        }
        #[allow(unreachable_patterns)]
        _ => refuse(line, "this expression is not allowed"),
    }
}

/// The work the filters of one render have done, in bytes (see [`MAX_FILTER_WORK_BYTES`]).
#[derive(Debug, Default)]
struct Work(AtomicUsize);

impl Object for Work {}

const WORK_KEY: &str = "rekindle.filter_work";

fn exceeded(what: String) -> Error {
    Error::new(ErrorKind::InvalidOperation, what)
}

/// Adds `bytes` to this render's filter work; an error past [`MAX_FILTER_WORK_BYTES`].
fn spend(state: &State, bytes: usize) -> Result<(), Error> {
    let work = match state.get_temp(WORK_KEY) {
        Some(v) => v.downcast_object::<Work>(),
        None => {
            let fresh = Value::from_object(Work::default());
            state.set_temp(WORK_KEY, fresh.clone());
            fresh.downcast_object::<Work>()
        }
    };
    let Some(work) = work else {
        return Err(exceeded("the filter work counter is missing".into()));
    };
    let total = work
        .0
        .fetch_add(bytes, Ordering::Relaxed)
        .saturating_add(bytes);
    if total > MAX_FILTER_WORK_BYTES {
        return Err(exceeded(format!(
            "the filters took and made more than {} MiB (MAX_FILTER_WORK_BYTES)",
            MAX_FILTER_WORK_BYTES / (1024 * 1024)
        )));
    }
    Ok(())
}

/// A value's size for the limits: a string's bytes, a list's or map's items (counted up to one
/// past [`MAX_VALUE_ITEMS`] when the list does not know its length), else a few bytes.
fn size(value: &Value) -> Result<usize, Error> {
    if let Some(s) = value.as_str() {
        if s.len() > MAX_VALUE_BYTES {
            return Err(exceeded(format!(
                "a value of {} bytes passes {} KiB (MAX_VALUE_BYTES)",
                s.len(),
                MAX_VALUE_BYTES / 1024
            )));
        }
        return Ok(s.len());
    }
    let items = match value.kind() {
        ValueKind::Seq | ValueKind::Map | ValueKind::Iterable => match value.len() {
            Some(n) => n,
            None => value
                .try_iter()
                .map(|it| it.take(MAX_VALUE_ITEMS + 1).count())
                .unwrap_or(0),
        },
        _ => return Ok(ITEM_BYTES),
    };
    if items > MAX_VALUE_ITEMS {
        return Err(exceeded(format!(
            "a list of more than {MAX_VALUE_ITEMS} items (MAX_VALUE_ITEMS)"
        )));
    }
    Ok(items.saturating_mul(ITEM_BYTES))
}

/// A `fmt::Write` that counts, and fails past `limit` bytes.
struct Counted<'a> {
    out: &'a mut String,
    limit: usize,
}

impl std::fmt::Write for Counted<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if self.out.len().saturating_add(s.len()) > self.limit {
            return Err(std::fmt::Error);
        }
        self.out.push_str(s);
        Ok(())
    }
}

fn too_long() -> Error {
    exceeded(format!(
        "a filter's result would pass {} KiB (MAX_VALUE_BYTES)",
        MAX_VALUE_BYTES / 1024
    ))
}

/// `replace`, with the result's size computed before it is built.
fn replace(state: &State, value: &Value, from: &str, to: &str) -> Result<Value, Error> {
    let mut text = String::new();
    write!(
        Counted {
            out: &mut text,
            limit: MAX_VALUE_BYTES,
        },
        "{value}"
    )
    .map_err(|_| too_long())?;
    let hits = if from.is_empty() {
        text.chars().count() + 1
    } else {
        text.matches(from).count()
    };
    let grows = to.len().saturating_sub(from.len());
    let len = text.len().saturating_add(hits.saturating_mul(grows));
    if len > MAX_VALUE_BYTES {
        return Err(too_long());
    }
    spend(state, len)?;
    Ok(Value::from(text.replace(from, to)))
}

/// `join`, written into a string that fails past [`MAX_VALUE_BYTES`] rather than grown whole.
fn join(state: &State, value: &Value, joiner: Option<&str>) -> Result<Value, Error> {
    let joiner = joiner.unwrap_or("");
    let mut out = String::new();
    let mut counted = Counted {
        out: &mut out,
        limit: MAX_VALUE_BYTES,
    };
    if let Some(s) = value.as_str() {
        for (i, c) in s.chars().enumerate() {
            if i > 0 {
                counted.write_str(joiner).map_err(|_| too_long())?;
            }
            counted.write_char(c).map_err(|_| too_long())?;
        }
    } else {
        let items = value.try_iter().map_err(|_| {
            Error::new(ErrorKind::InvalidOperation, "join takes a list or a string")
        })?;
        for (i, item) in items.enumerate() {
            if i > 0 {
                counted.write_str(joiner).map_err(|_| too_long())?;
            }
            write!(counted, "{item}").map_err(|_| too_long())?;
        }
    }
    spend(state, out.len())?;
    Ok(Value::from(out))
}

/// `string`, written into a string that fails past [`MAX_VALUE_BYTES`].
fn string(state: &State, value: &Value) -> Result<Value, Error> {
    if value.as_str().is_some() {
        return Ok(value.clone());
    }
    let mut out = String::new();
    write!(
        Counted {
            out: &mut out,
            limit: MAX_VALUE_BYTES,
        },
        "{value}"
    )
    .map_err(|_| too_long())?;
    spend(state, out.len())?;
    Ok(Value::from(out))
}

/// The built-in filter of this name, as minijinja registers it.
fn builtin(name: &str) -> Option<Value> {
    use minijinja::filters as f;
    Some(match name {
        "abs" => Value::from_function(f::abs),
        "attr" => Value::from_function(f::attr),
        "bool" => Value::from_function(f::bool),
        "capitalize" => Value::from_function(f::capitalize),
        "count" | "length" => Value::from_function(f::length),
        "d" | "default" => Value::from_function(f::default),
        "dictsort" => Value::from_function(f::dictsort),
        "first" => Value::from_function(f::first),
        "float" => Value::from_function(f::float),
        "int" => Value::from_function(f::int),
        "items" => Value::from_function(f::items),
        "last" => Value::from_function(f::last),
        "lines" => Value::from_function(f::lines),
        "list" => Value::from_function(f::list),
        "lower" => Value::from_function(f::lower),
        "map" => Value::from_function(f::map),
        "max" => Value::from_function(f::max),
        "min" => Value::from_function(f::min),
        "reject" => Value::from_function(f::reject),
        "rejectattr" => Value::from_function(f::rejectattr),
        "reverse" => Value::from_function(f::reverse),
        "round" => Value::from_function(f::round),
        "select" => Value::from_function(f::select),
        "selectattr" => Value::from_function(f::selectattr),
        "sort" => Value::from_function(f::sort),
        "split" => Value::from_function(f::split),
        "sum" => Value::from_function(f::sum),
        "title" => Value::from_function(f::title),
        "trim" => Value::from_function(f::trim),
        "unique" => Value::from_function(f::unique),
        "upper" => Value::from_function(f::upper),
        _ => return None,
    })
}

/// Makes `env` hold exactly the filters in [`FILTERS`], each counted and capped, and none of the
/// globals a template may not use. Filters applied through `map` or `select` go through the
/// same wrappers.
pub fn bound(env: &mut Environment<'static>) {
    for name in ["namespace", "dict", "debug"] {
        env.remove_global(name);
    }
    for name in [
        "safe",
        "escape",
        "e",
        "indent",
        "format",
        "batch",
        "slice",
        "chain",
        "zip",
        "groupby",
        "pprint",
        "tojson",
        "urlencode",
    ] {
        env.remove_filter(name);
    }
    env.add_filter(
        "replace",
        |state: &State, value: Value, from: String, to: String| {
            size(&value)?;
            replace(state, &value, &from, &to)
        },
    );
    env.add_filter(
        "join",
        |state: &State, value: Value, joiner: Option<String>| {
            size(&value)?;
            join(state, &value, joiner.as_deref())
        },
    );
    env.add_filter("string", |state: &State, value: Value| {
        string(state, &value)
    });
    for name in FILTERS {
        let Some(inner) = builtin(name) else {
            continue;
        };
        env.add_filter(*name, move |state: &State, args: Rest<Value>| {
            let mut taken = 0usize;
            for a in args.iter() {
                taken = taken.saturating_add(size(a)?);
            }
            spend(state, taken)?;
            let made = inner.call(state, &args)?;
            spend(state, size(&made)?)?;
            Ok(made)
        });
    }
}
