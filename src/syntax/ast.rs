//! The surface syntax tree, exactly as written. Names are not resolved
//! here; that is `resolve/`'s and `check/`'s job. Every node carries a
//! [`Span`]. A declaration that failed to parse is an [`Item::Error`], so
//! the declarations around it survive.

use crate::span::Span;

#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// `a::b::c`
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    pub segments: Vec<Ident>,
    pub span: Span,
}

impl Path {
    pub fn last(&self) -> &Ident {
        // A path always has at least one segment (the grammar guarantees it).
        &self.segments[self.segments.len() - 1]
    }

    pub fn is_single(&self) -> bool {
        self.segments.len() == 1
    }

    pub fn to_text(&self) -> String {
        self.segments
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join("::")
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct StrLit {
    pub value: String,
    pub span: Span,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Module {
    pub items: Vec<Item>,
    /// Names of declarations that did not parse: lookups of them are not
    /// reported again (the syntax error already was).
    pub broken_names: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Use(Box<UseDecl>),
    Enum(Box<EnumDecl>),
    Type(Box<TypeDecl>),
    Action(Box<ActionDecl>),
    Const(Box<ConstDecl>),
    Entity(Box<EntityDecl>),
    Norm(Box<NormDecl>),
    Exception(Box<ExceptionDecl>),
    Report(Box<ReportDecl>),
    /// A declaration that did not parse; its errors are already reported.
    Error(Span),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Use(d) => d.span,
            Item::Enum(d) => d.span,
            Item::Type(d) => d.span,
            Item::Action(d) => d.span,
            Item::Const(d) => d.span,
            Item::Entity(d) => d.span,
            Item::Norm(d) => d.span,
            Item::Exception(d) => d.span,
            Item::Report(d) => d.span,
            Item::Error(s) => *s,
        }
    }

    /// The declared name, for items that declare one.
    pub fn name(&self) -> Option<&Ident> {
        match self {
            Item::Use(_) | Item::Error(_) => None,
            Item::Enum(d) => Some(&d.name),
            Item::Type(d) => Some(&d.name),
            Item::Action(d) => Some(&d.name),
            Item::Const(d) => Some(&d.name),
            Item::Entity(d) => Some(&d.name),
            Item::Norm(d) => Some(&d.name),
            Item::Exception(d) => Some(&d.name),
            Item::Report(d) => Some(&d.name),
        }
    }

    pub fn doc(&self) -> Option<&str> {
        match self {
            Item::Use(_) | Item::Error(_) => None,
            Item::Enum(d) => d.doc.as_deref(),
            Item::Type(d) => d.doc.as_deref(),
            Item::Action(d) => d.doc.as_deref(),
            Item::Const(d) => d.doc.as_deref(),
            Item::Entity(d) => d.doc.as_deref(),
            Item::Norm(d) => d.doc.as_deref(),
            Item::Exception(d) => d.doc.as_deref(),
            Item::Report(d) => d.doc.as_deref(),
        }
    }
}

/// `use a::b;` or `use a::b::{X, Y};`
#[derive(Clone, Debug, PartialEq)]
pub struct UseDecl {
    pub path: Path,
    pub names: Option<Vec<Ident>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnumDecl {
    pub doc: Option<String>,
    pub name: Ident,
    pub ordered: bool,
    pub members: Vec<Ident>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeExpr {
    /// `Bool`, `Asset`, `std::core::Asset`, `operate`
    Named(Path),
    /// `Set<T>`
    Set(Box<TypeExpr>, Span),
}

impl TypeExpr {
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Named(p) => p.span,
            TypeExpr::Set(_, s) => *s,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldDecl {
    pub name: Ident,
    pub ty: TypeExpr,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TypeDecl {
    pub doc: Option<String>,
    pub name: Ident,
    pub fields: Vec<FieldDecl>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ActionDecl {
    pub doc: Option<String>,
    pub name: Ident,
    pub params: Vec<FieldDecl>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ConstDecl {
    pub doc: Option<String>,
    pub name: Ident,
    pub ty: TypeExpr,
    pub value: Expr,
    pub span: Span,
}

/// `name: value` in an entity or a call.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldInit {
    pub name: Ident,
    pub value: Expr,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EntityDecl {
    pub doc: Option<String>,
    pub name: Ident,
    pub ty: Path,
    pub fields: Vec<FieldInit>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NormKind {
    Norm,
    Redline,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Modality {
    Forbid,
    Permit,
    Oblige,
}

impl Modality {
    pub fn as_str(self) -> &'static str {
        match self {
            Modality::Forbid => "forbid",
            Modality::Permit => "permit",
            Modality::Oblige => "oblige",
        }
    }
}

/// `name(arg: expr, ...)`: a binding pattern, a required action, or a
/// function call such as `known(e)`; which one is decided by the checker.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub callee: Path,
    pub args: Vec<Arg>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    /// `None` for a positional argument.
    pub name: Option<Ident>,
    pub value: Expr,
}

/// One clause of a norm, red line or exception body. The grammar accepts
/// clauses in any order; `check/` groups them (a `when` belongs to the
/// trigger or deontic clause before it) and reports misplaced ones.
#[derive(Clone, Debug, PartialEq)]
pub enum Clause {
    Source(StrLit),
    Severity(Ident),
    Response(Path),
    On {
        /// `on breach of NORM ...`: the norm whose breach triggers this one
        /// (boxed: few clauses have one, and every clause pays for its size).
        breach: Option<Box<Path>>,
        binder: Option<Ident>,
        pattern: Box<Call>,
        span: Span,
    },
    Deontic {
        modality: Modality,
        binder: Option<Ident>,
        action: Box<Call>,
        within: Option<Box<Expr>>,
        span: Span,
    },
    When(Expr, Span),
    Unless(Expr, Span),
    Error(Span),
}

impl Clause {
    pub fn span(&self) -> Span {
        match self {
            Clause::Source(s) => s.span,
            Clause::Severity(i) => i.span,
            Clause::Response(p) => p.span,
            Clause::On { span, .. }
            | Clause::Deontic { span, .. }
            | Clause::When(_, span)
            | Clause::Unless(_, span)
            | Clause::Error(span) => *span,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct NormDecl {
    pub doc: Option<String>,
    pub kind: NormKind,
    pub name: Ident,
    pub title: Option<StrLit>,
    pub overrides: Vec<Path>,
    pub clauses: Vec<Clause>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExceptionDecl {
    pub doc: Option<String>,
    pub name: Ident,
    pub title: Option<StrLit>,
    pub target: Path,
    pub clauses: Vec<Clause>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReportDecl {
    pub doc: Option<String>,
    pub name: Ident,
    pub title: Option<StrLit>,
    pub clauses: Vec<ReportClause>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ReportClause {
    /// Boxed, as every other clause is, so a report of a million events
    /// spends 16 bytes per clause in its vector, not 80.
    AsOf(Box<Expr>, Span),
    Entity(Box<EntityDecl>),
    Event(Box<EventDecl>),
    /// An event in its most common shape, `event NAME: ACTION(PARAM:
    /// VALUE, ...) at TIME` with one-token values and no doc comment, kept
    /// as offsets into the file's text: the checker's front end reads a
    /// report of a million events without building a million syntax
    /// trees. Only [`crate::syntax::parse_folded`] makes these;
    /// [`crate::syntax::events::expand`] gives the [`EventDecl`] the grammar
    /// builds from the same text.
    SimpleEvent(SimpleEvent),
    Expect(Box<Expectation>),
    /// `unrecorded REQUIRED;`: events like this may have happened unlisted.
    Unrecorded(Box<Call>, Span),
    Error(Span),
}

/// Where a folded event's parts are in its file's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SimpleEvent {
    /// From `event` to the end of the time after `at`.
    pub span: Span,
    /// The event's name: byte offsets (start, end).
    pub name: (u32, u32),
    /// The action's name (one identifier): byte offsets (start, end).
    pub callee: (u32, u32),
}

#[derive(Clone, Debug, PartialEq)]
pub struct EventDecl {
    pub doc: Option<String>,
    pub name: Ident,
    pub call: Call,
    pub at: Expr,
    /// `at T1 .. T2`: the latest time the event may have happened.
    pub at_end: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expectation {
    /// `expect clean;`
    Clean(Span),
    /// `expect [not] KIND NORM [at EVENT];`
    Outcome {
        negated: bool,
        kind: Ident,
        norm: Path,
        event: Option<Ident>,
        /// `by NAME`: the exception, permit or duty that excused it.
        by: Option<Path>,
        span: Span,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
}

impl BinOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimingKind {
    Before,
    After,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Timing {
    pub kind: TimingKind,
    pub within: Option<Box<Expr>>,
    pub anchor: Box<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    Int(i64),
    Str(String),
    /// Seconds.
    Duration(i64),
    /// Seconds since 1970-01-01T00:00Z.
    Time(i64),
    Bool(bool),
    Unknown,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Lit(Lit),
    /// A name or qualified name: a variable, const, entity, event or enum member.
    Path(Path),
    /// `a or b or c`, flattened so long chains stay shallow.
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Not(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    In(Box<Expr>, Box<Expr>),
    Field(Box<Expr>, Ident),
    Call(Box<Call>),
    SetLit(Vec<Expr>),
    Exists(Box<Call>, Option<Timing>),
    /// A sub-expression that did not parse.
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
    /// Height of the tree below this node (1 for a leaf). The parser
    /// refuses to build an expression taller than
    /// [`crate::syntax::MAX_EXPR_DEPTH`], so every later stage may recurse.
    pub depth: u32,
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        let below = match &kind {
            ExprKind::Lit(_) | ExprKind::Path(_) | ExprKind::Error => 0,
            ExprKind::Or(es) | ExprKind::And(es) | ExprKind::SetLit(es) => {
                es.iter().map(|e| e.depth).max().unwrap_or(0)
            }
            ExprKind::Not(e) | ExprKind::Field(e, _) => e.depth,
            ExprKind::Binary(_, a, b) | ExprKind::In(a, b) => a.depth.max(b.depth),
            ExprKind::Call(c) => c.args.iter().map(|a| a.value.depth).max().unwrap_or(0),
            ExprKind::Exists(c, t) => {
                let args = c.args.iter().map(|a| a.value.depth).max().unwrap_or(0);
                let timing = t.as_ref().map_or(0, |t| {
                    t.anchor.depth.max(t.within.as_ref().map_or(0, |w| w.depth))
                });
                args.max(timing)
            }
        };
        Expr {
            kind,
            span,
            depth: below + 1,
        }
    }

    pub fn error(span: Span) -> Expr {
        Expr::new(ExprKind::Error, span)
    }

    /// The bare identifier this expression is, if it is one.
    pub fn as_ident(&self) -> Option<&Ident> {
        match &self.kind {
            ExprKind::Path(p) if p.is_single() => Some(&p.segments[0]),
            _ => None,
        }
    }
}
