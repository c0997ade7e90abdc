//! The checked program: what `check/` produces and `eval/`, `graph/` and
//! the tools consume. Every name is resolved to an id, every expression
//! is typed, every constant is a [`Value`]. Nothing here refers back to
//! the syntax tree, and nothing here can be ill-typed: an item with errors
//! is left out (and its errors reported) rather than half-built.
//!
//! Ids are indices into the vectors of [`Program`]. Variables ([`VarId`])
//! index the frame of one norm: an exception's expressions use the frame
//! of the norm at the root of its chain of targets.

use std::sync::Arc;

use serde::Serialize;

use crate::span::{FileId, Span};

macro_rules! id {
    ($($name:ident),*) => {$(
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        pub struct $name(pub u32);
        impl $name {
            pub fn index(self) -> usize { self.0 as usize }
        }
    )*};
}

id!(
    ModuleId,
    EnumId,
    RecordId,
    ActionId,
    ConstId,
    EntityId,
    NormId,
    ExceptionId,
    ReportId,
    EventId,
    VarId
);

#[derive(Debug, Default)]
pub struct Program {
    pub modules: Vec<ModuleDef>,
    pub enums: Vec<EnumDef>,
    pub records: Vec<RecordDef>,
    pub actions: Vec<ActionDef>,
    pub consts: Vec<ConstDef>,
    pub entities: Vec<EntityDef>,
    pub norms: Vec<NormDef>,
    pub exceptions: Vec<ExceptionDef>,
    pub reports: Vec<ReportDef>,
    /// A ladder of the program (the first `response` rung's enum), for
    /// tools; each report has its own in `ReportDef::ladder`, and rungs in
    /// force together always share one enum (E0404 otherwise).
    pub ladder: Option<EnumId>,
    /// Every resolved use of a name: where it is written and the name span
    /// of what it refers to (a declaration, field, parameter, enum member,
    /// variable, report entity or event). A `use` refers to the start of
    /// the module's file. Recorded for editors and in-memory checks
    /// (`driver::check_text(s)`, `check_documents`), not by `check_paths`.
    pub refs: Vec<Reference>,
}

/// A resolved name: written at `at`, declared at `def`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reference {
    pub at: Span,
    pub def: Span,
}

/// One source file.
#[derive(Debug)]
pub struct ModuleDef {
    /// `std::gge2015`, `treaties::pact`, or the file stem of a file named on
    /// the command line.
    pub name: String,
    pub file: FileId,
    /// Modules this one names in a `use`.
    pub uses: Vec<ModuleId>,
    /// Named on the command line (or found in a folder named there).
    pub is_entry: bool,
}

#[derive(Debug)]
pub struct EnumDef {
    pub name: String,
    pub qualified: String,
    pub module: ModuleId,
    pub ordered: bool,
    /// Lowest first when ordered.
    pub members: Vec<String>,
    pub member_spans: Vec<Span>,
    pub doc: Option<String>,
    pub span: Span,
    pub name_span: Span,
}

#[derive(Debug)]
pub struct FieldDef {
    pub name: String,
    pub ty: Ty,
    pub span: Span,
}

#[derive(Debug)]
pub struct RecordDef {
    pub name: String,
    pub qualified: String,
    pub module: ModuleId,
    pub fields: Vec<FieldDef>,
    pub doc: Option<String>,
    pub span: Span,
    pub name_span: Span,
}

#[derive(Debug)]
pub struct ActionDef {
    pub name: String,
    pub qualified: String,
    pub module: ModuleId,
    pub params: Vec<FieldDef>,
    pub doc: Option<String>,
    pub span: Span,
    pub name_span: Span,
}

#[derive(Debug)]
pub struct ConstDef {
    pub name: String,
    pub qualified: String,
    pub module: ModuleId,
    pub ty: Ty,
    pub value: Value,
    pub doc: Option<String>,
    pub span: Span,
    pub name_span: Span,
}

/// A named record value: top-level, or declared inside a report.
#[derive(Debug)]
pub struct EntityDef {
    pub name: String,
    pub qualified: String,
    pub module: ModuleId,
    pub record: RecordId,
    /// One value per field of the record, in the record's order.
    pub fields: Vec<Value>,
    /// The report that declares it, for report entities.
    pub report: Option<ReportId>,
    pub doc: Option<String>,
    pub span: Span,
    pub name_span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    Bool,
    Int,
    Text,
    Time,
    Duration,
    Enum(EnumId),
    Record(RecordId),
    /// An event of this action.
    Event(ActionId),
    Set(Box<Ty>),
    /// The type of an expression that already has an error; compatible
    /// with everything so one mistake gives one diagnostic.
    Error,
}

/// A value. `Unknown` is the `?` of reports.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Text(Arc<str>),
    /// Seconds since the epoch, UTC.
    Time(i64),
    /// Seconds.
    Duration(i64),
    /// Enum and member index.
    Enum(EnumId, u32),
    Entity(EntityId),
    /// An event of the report being judged.
    Event(EventId),
    Set(Arc<[Value]>),
    /// A time or duration known only to lie in `[lo, hi]`, `lo < hi`
    /// (§6): only evaluation makes these, from events' imprecise times.
    Imprecise(Measure, i64, i64),
    Unknown,
}

/// What an imprecise value measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Measure {
    Time,
    Duration,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NormSeverity {
    Low,
    Medium,
    High,
    Critical,
}

impl NormSeverity {
    pub fn as_str(self) -> &'static str {
        match self {
            NormSeverity::Low => "low",
            NormSeverity::Medium => "medium",
            NormSeverity::High => "high",
            NormSeverity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<NormSeverity> {
        Some(match s {
            "low" => NormSeverity::Low,
            "medium" => NormSeverity::Medium,
            "high" => NormSeverity::High,
            "critical" => NormSeverity::Critical,
            _ => return None,
        })
    }
}

pub use crate::syntax::ast::Modality;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NormKind {
    Norm,
    Redline,
}

/// A variable of a norm's frame: a pattern binding or an event binder.
#[derive(Debug)]
pub struct VarDef {
    pub name: String,
    pub ty: Ty,
    pub span: Span,
}

/// `[X:] action(param: name, ...)`: matches every event of `action`,
/// binding the event to `binder` and each listed parameter to a variable.
#[derive(Debug)]
pub struct Pattern {
    pub action: ActionId,
    pub binder: Option<VarId>,
    /// (parameter index, variable)
    pub bindings: Vec<(usize, VarId)>,
    pub span: Span,
}

/// `action(param: EXPR, ...)`: the value each listed parameter must have.
/// Unlisted parameters and `_` may be anything.
#[derive(Debug)]
pub struct Required {
    pub action: ActionId,
    /// (parameter index, expected value)
    pub args: Vec<(usize, Expr)>,
    pub span: Span,
}

#[derive(Debug)]
pub struct Trigger {
    pub pattern: Pattern,
    pub when: Option<Expr>,
    /// `on breach of NORM`: the trigger's event must also be one on which
    /// NORM is breached, and the trigger's time is the breach's (§4).
    pub breach: Option<BreachRef>,
}

/// The norm named after `on breach of`, and where it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BreachRef {
    pub norm: NormId,
    pub span: Span,
}

#[derive(Debug)]
pub struct NormDef {
    pub name: String,
    /// `std::gge2015::gge_f`, `duties::must_notify`
    pub qualified: String,
    pub module: ModuleId,
    pub kind: NormKind,
    pub title: Option<String>,
    pub doc: Option<String>,
    pub source: Option<String>,
    pub severity: NormSeverity,
    /// A red line's `response`: a member of the ladder enum.
    pub response: Option<(EnumId, u32)>,
    pub modality: Modality,
    pub trigger: Option<Trigger>,
    /// The matched pattern of a `forbid` or `permit`.
    pub matched: Option<Pattern>,
    /// The required action of an `oblige`.
    pub required: Option<Required>,
    /// The window of an `oblige`, in seconds.
    pub within: Option<i64>,
    /// The deontic clause's `when` (the trigger's is in `trigger`).
    pub when: Option<Expr>,
    pub unless: Option<Expr>,
    /// Norms this one prevails over.
    pub overrides: Vec<NormId>,
    /// Exceptions whose target is this norm (direct ones only).
    pub exceptions: Vec<ExceptionId>,
    pub vars: Vec<VarDef>,
    pub span: Span,
    pub name_span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExceptionTarget {
    Norm(NormId),
    Exception(ExceptionId),
}

#[derive(Debug)]
pub struct ExceptionDef {
    pub name: String,
    pub qualified: String,
    pub module: ModuleId,
    pub title: Option<String>,
    pub doc: Option<String>,
    pub source: Option<String>,
    pub target: ExceptionTarget,
    /// The norm at the end of the chain of targets; expressions use its frame.
    pub root: NormId,
    pub when: Option<Expr>,
    pub unless: Option<Expr>,
    /// Exceptions whose target is this exception.
    pub exceptions: Vec<ExceptionId>,
    pub span: Span,
    pub name_span: Span,
}

#[derive(Debug)]
pub struct EventDef {
    pub name: String,
    pub action: ActionId,
    /// One value per parameter of the action, in its order.
    pub args: Vec<Value>,
    /// When it happened, or the earliest it may have (`at T1 .. T2`, `at ?`):
    /// events are ordered by it.
    pub at: i64,
    /// The latest it may have happened: `at` itself for an exact time.
    pub at_hi: i64,
    pub doc: Option<String>,
    pub span: Span,
    pub name_span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingKind {
    Violation,
    Possible,
    Excused,
    Conflict,
    Crossed,
    Fulfilled,
    Late,
    Missed,
    Pending,
    Suspended,
}

impl FindingKind {
    pub const ALL: [FindingKind; 10] = [
        FindingKind::Violation,
        FindingKind::Possible,
        FindingKind::Excused,
        FindingKind::Conflict,
        FindingKind::Crossed,
        FindingKind::Fulfilled,
        FindingKind::Late,
        FindingKind::Missed,
        FindingKind::Pending,
        FindingKind::Suspended,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Violation => "violation",
            FindingKind::Possible => "possible",
            FindingKind::Excused => "excused",
            FindingKind::Conflict => "conflict",
            FindingKind::Crossed => "crossed",
            FindingKind::Fulfilled => "fulfilled",
            FindingKind::Late => "late",
            FindingKind::Missed => "missed",
            FindingKind::Pending => "pending",
            FindingKind::Suspended => "suspended",
        }
    }

    pub fn parse(s: &str) -> Option<FindingKind> {
        FindingKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kinds that make `norma eval` exit 1 and that `expect clean` rules out.
    pub fn is_problem(self) -> bool {
        matches!(
            self,
            FindingKind::Violation
                | FindingKind::Possible
                | FindingKind::Conflict
                | FindingKind::Late
                | FindingKind::Missed
        )
    }
}

#[derive(Debug)]
pub enum Expectation {
    Clean {
        span: Span,
    },
    Outcome {
        negated: bool,
        kind: FindingKind,
        norm: NormId,
        event: Option<EventId>,
        /// `by NAME`: the exception, permit or duty that excused it.
        by: Option<ExceptionTarget>,
        span: Span,
    },
}

#[derive(Debug)]
pub struct ReportDef {
    pub name: String,
    pub qualified: String,
    pub module: ModuleId,
    pub title: Option<String>,
    pub doc: Option<String>,
    /// When the report's knowledge stops: explicit, else the latest event
    /// (else the epoch for a report without events).
    pub as_of: i64,
    pub entities: Vec<EntityId>,
    /// In declaration order; `EventId` indexes this vector.
    pub events: Vec<EventDef>,
    pub expectations: Vec<Expectation>,
    /// `unrecorded REQUIRED;`: events like these may have happened unlisted
    /// (§6). Their arguments are constants (`?` where anything goes).
    pub unrecorded: Vec<Required>,
    /// Does some event have an imprecise time (`at ?`, `at T1 .. T2`)?
    pub imprecise: bool,
    /// Every norm and red line in force (§1): declared in the report's
    /// module or in a module reachable from it through `use`.
    pub in_force: Vec<NormId>,
    /// The ladder of the red lines in force (§4): the enum of their
    /// `response` rungs, if any declares one.
    pub ladder: Option<EnumId>,
    pub span: Span,
    pub name_span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimingKind {
    Before,
    After,
}

/// `before X`, `after X`, `within D before X`, `within D after X`.
#[derive(Debug)]
pub struct Timing {
    pub kind: TimingKind,
    /// Seconds, for the `within D` forms.
    pub within: Option<Box<Expr>>,
    /// An expression of event type.
    pub anchor: Box<Expr>,
}

#[derive(Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Ty,
    pub span: Span,
}

#[derive(Debug)]
pub enum ExprKind {
    /// Literals, consts, entities and enum members, already evaluated.
    Lit(Value),
    Var(VarId),
    /// Field `index` of the entity the operand evaluates to.
    Field(Box<Expr>, usize),
    /// Parameter `index` of the event the operand evaluates to.
    Param(Box<Expr>, usize),
    /// `.at` of the event the operand evaluates to.
    At(Box<Expr>),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    /// Operands have the same type; `<`-like operators are on Int,
    /// Duration, Time or an ordered enum (by member index).
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    /// Int±Int, Time±Duration, Duration±Duration, Time−Time.
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    /// Element in set.
    In(Box<Expr>, Box<Expr>),
    SetLit(Vec<Expr>),
    /// Boxed: it is the largest expression and the least common.
    Exists(Box<Required>, Option<Timing>),
    Known(Box<Expr>),
    MaxResponse(Box<Expr>),
}

impl Expr {
    /// Call `f` on the nodes of this expression, parents first; where `f`
    /// returns false, the node's operands are not visited.
    pub fn visit<'a>(&'a self, f: &mut dyn FnMut(&'a Expr) -> bool) {
        if !f(self) {
            return;
        }
        match &self.kind {
            ExprKind::Lit(_) | ExprKind::Var(_) => {}
            ExprKind::Field(x, _)
            | ExprKind::Param(x, _)
            | ExprKind::At(x)
            | ExprKind::Not(x)
            | ExprKind::Known(x)
            | ExprKind::MaxResponse(x) => x.visit(f),
            ExprKind::And(xs) | ExprKind::Or(xs) | ExprKind::SetLit(xs) => {
                xs.iter().for_each(|x| x.visit(f))
            }
            ExprKind::Cmp(_, a, b) | ExprKind::Arith(_, a, b) | ExprKind::In(a, b) => {
                a.visit(f);
                b.visit(f);
            }
            ExprKind::Exists(req, timing) => {
                req.args.iter().for_each(|(_, x)| x.visit(f));
                if let Some(t) = timing {
                    t.anchor.visit(f);
                    if let Some(w) = &t.within {
                        w.visit(f);
                    }
                }
            }
        }
    }
}

impl Program {
    pub fn norm(&self, id: NormId) -> &NormDef {
        &self.norms[id.index()]
    }

    pub fn exception(&self, id: ExceptionId) -> &ExceptionDef {
        &self.exceptions[id.index()]
    }

    pub fn action(&self, id: ActionId) -> &ActionDef {
        &self.actions[id.index()]
    }

    pub fn entity(&self, id: EntityId) -> &EntityDef {
        &self.entities[id.index()]
    }

    pub fn report(&self, id: ReportId) -> &ReportDef {
        &self.reports[id.index()]
    }

    /// Human spelling of a value (`damage`, `UA`, `2017-06-27T09:00:00Z`).
    pub fn show_value(&self, v: &Value, report: Option<&ReportDef>) -> String {
        self.show_value_ref(v, report).into_owned()
    }

    /// [`Self::show_value`], borrowing the names it shows.
    pub fn show_value_ref<'p>(
        &'p self,
        v: &Value,
        report: Option<&'p ReportDef>,
    ) -> std::borrow::Cow<'p, str> {
        use std::borrow::Cow;
        match v {
            Value::Bool(b) => Cow::Owned(b.to_string()),
            Value::Int(i) => Cow::Owned(i.to_string()),
            Value::Text(t) => Cow::Owned(format!("{t:?}")),
            Value::Time(t) => Cow::Owned(crate::time::format_time(*t)),
            Value::Duration(d) => Cow::Owned(crate::time::format_duration(*d)),
            Value::Enum(e, m) => Cow::Borrowed(self.enums[e.index()].members[*m as usize].as_str()),
            Value::Entity(e) => Cow::Borrowed(self.entities[e.index()].name.as_str()),
            Value::Event(e) => match report.and_then(|r| r.events.get(e.index())) {
                Some(ev) => Cow::Borrowed(ev.name.as_str()),
                None => Cow::Owned(format!("event#{}", e.0)),
            },
            Value::Set(items) => Cow::Owned(format!(
                "{{{}}}",
                items
                    .iter()
                    .map(|i| self.show_value_ref(i, report))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            Value::Imprecise(Measure::Time, lo, hi) => {
                Cow::Owned(crate::time::format_interval(*lo, *hi))
            }
            Value::Imprecise(Measure::Duration, lo, hi) => Cow::Owned(format!(
                "{} .. {}",
                crate::time::format_duration(*lo),
                crate::time::format_duration(*hi)
            )),
            Value::Unknown => Cow::Borrowed("?"),
        }
    }

    pub fn show_ty(&self, ty: &Ty) -> String {
        match ty {
            Ty::Bool => "Bool".into(),
            Ty::Int => "Int".into(),
            Ty::Text => "Text".into(),
            Ty::Time => "Time".into(),
            Ty::Duration => "Duration".into(),
            Ty::Enum(e) => self.enums[e.index()].name.clone(),
            Ty::Record(r) => self.records[r.index()].name.clone(),
            Ty::Event(a) => self.actions[a.index()].name.clone(),
            Ty::Set(t) => format!("Set<{}>", self.show_ty(t)),
            Ty::Error => "{error}".into(),
        }
    }
}
