//! A scenario in the solver: at most K event slots, the entities their
//! arguments name, and `as_of` — and the way back, from a model to plain
//! [`Facts`] that `witness` writes as a report.
//!
//! Layout of a scenario (every fact known, §10):
//! - slot `i` is *active* or not; active slots are a prefix, sorted by
//!   time. Events are named by slot (`witness_event_1`, …), so the
//!   evaluator's order of events (time, then name) is the slot order.
//! - each active slot has an action among the *candidate* actions and, for
//!   every candidate action, a value per parameter (only the chosen
//!   action's are written out).
//! - an entity of record `R` is an integer: `0..d` are the `d` entities
//!   `R` declares at top level (their fields fixed), any other integer a
//!   fresh entity of the witness. A field is an uninterpreted function
//!   from that integer, so two arguments are the same entity exactly when
//!   their integers are equal, as in the evaluator.
//! - texts are codes: the program's literals first, any other code a text
//!   of the witness's own.
//!
//! Values stay within what a report can write: times between the years 1
//! and 9999, durations whole minutes (`30m`), integers not negative (the
//! language has no negative literals).

use std::cell::RefCell;
use std::collections::HashMap;

use z3::ast::{Bool, Dynamic, Int};
use z3::{FuncDecl, Model, Sort};

use crate::model::{ActionId, EntityId, EnumId, Program, RecordId, Ty, Value};

use super::logic::{Sym, Val};

/// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
pub const TIME_MIN: i64 = -62_135_596_800;
pub const TIME_MAX: i64 = 253_402_300_799;

/// The solver's view of one scenario of at most `k` events.
pub(crate) struct Scenario<'p> {
    pub program: &'p Program,
    pub k: usize,
    /// Actions a slot may take, by position.
    pub actions: Vec<ActionId>,
    pub active: Vec<Bool>,
    /// Position in `actions`.
    pub action: Vec<Int>,
    pub at: Vec<Int>,
    /// `args[slot][candidate][param]`.
    pub args: Vec<Vec<Vec<Val>>>,
    pub as_of: Int,
    /// Per record, its top-level entities (index = integer code).
    pub declared: HashMap<RecordId, Vec<EntityId>>,
    /// Text literals of the program, by code.
    pub texts: Vec<String>,
    fields: RefCell<HashMap<(RecordId, usize), FuncDecl>>,
    /// Membership in a set-valued field: `(entity code, element) → Bool`.
    members: RefCell<HashMap<(RecordId, usize), FuncDecl>>,
    /// Set when a formula could not be encoded exactly (the caller then
    /// leaves its claims undecided): the reason.
    pub inexact: RefCell<Option<String>>,
    /// Domain constraints of terms created while encoding (field
    /// applications); asserted with the formula that created them.
    side: RefCell<Vec<Bool>>,
    /// Well-formedness of the scenario.
    pub base: Vec<Bool>,
}

/// One value of a witness, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum FactVal {
    Bool(bool),
    Int(i64),
    Time(i64),
    Duration(i64),
    Enum(EnumId, u32),
    Declared(EntityId),
    /// Index into `Facts::entities`.
    Fresh(usize),
    Text(String),
    /// Slot index.
    Event(usize),
    /// The members of a set-valued field.
    Set(Vec<FactVal>),
}

#[derive(Clone, Debug)]
pub(crate) struct EntityFact {
    pub record: RecordId,
    pub fields: Vec<FactVal>,
}

#[derive(Clone, Debug)]
pub(crate) struct EventFact {
    pub action: ActionId,
    pub at: i64,
    pub args: Vec<FactVal>,
}

/// A scenario read back from a model: plain data, free of the solver.
#[derive(Clone, Debug)]
pub(crate) struct Facts {
    pub as_of: i64,
    pub events: Vec<EventFact>,
    pub entities: Vec<EntityFact>,
}

/// Why a decoded scenario could not be written as a report.
#[derive(Debug)]
pub(crate) struct DecodeError(pub String);

impl<'p> Scenario<'p> {
    pub fn new(program: &'p Program, k: usize, actions: Vec<ActionId>) -> Scenario<'p> {
        let mut declared: HashMap<RecordId, Vec<EntityId>> = HashMap::new();
        for (i, e) in program.entities.iter().enumerate() {
            if e.report.is_none() {
                declared
                    .entry(e.record)
                    .or_default()
                    .push(EntityId(i as u32));
            }
        }
        let mut s = Scenario {
            program,
            k,
            actions,
            active: (0..k)
                .map(|i| Bool::new_const(format!("active_{i}")))
                .collect(),
            action: (0..k)
                .map(|i| Int::new_const(format!("action_{i}")))
                .collect(),
            at: (0..k).map(|i| Int::new_const(format!("at_{i}"))).collect(),
            args: Vec::new(),
            as_of: Int::new_const("as_of"),
            declared,
            texts: text_literals(program),
            fields: RefCell::new(HashMap::new()),
            members: RefCell::new(HashMap::new()),
            inexact: RefCell::new(None),
            side: RefCell::new(Vec::new()),
            base: Vec::new(),
        };
        s.args = (0..k)
            .map(|i| {
                s.actions
                    .iter()
                    .map(|&a| {
                        program.actions[a.index()]
                            .params
                            .iter()
                            .enumerate()
                            .map(|(p, param)| {
                                let name = format!("arg_{i}_{}_{p}", a.0);
                                let sym = match param.ty {
                                    Ty::Bool => Sym::B(Bool::new_const(name)),
                                    _ => Sym::I(Int::new_const(name)),
                                };
                                Val::known(sym)
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        s.base = s.well_formed();
        s
    }

    fn well_formed(&self) -> Vec<Bool> {
        let mut out = vec![self.in_time_range(&self.as_of)];
        let n = self.actions.len() as i64;
        for i in 0..self.k {
            let active = &self.active[i];
            if i + 1 < self.k {
                out.push(self.active[i + 1].implies(active));
                out.push(self.active[i + 1].implies(self.at[i].le(&self.at[i + 1])));
            }
            out.push(active.implies(Bool::and(&[
                self.action[i].ge(Int::from_i64(0)),
                self.action[i].lt(Int::from_i64(n)),
                self.in_time_range(&self.at[i]),
                self.at[i].le(&self.as_of),
            ])));
            for (c, &a) in self.actions.iter().enumerate() {
                let this = self.is_action(i, a);
                for (p, param) in self.program.actions[a.index()].params.iter().enumerate() {
                    let v = &self.args[i][c][p];
                    if let Some(dom) = self.domain(&param.ty, v) {
                        out.push(this.implies(dom));
                    }
                }
            }
        }
        // Top-level entities keep their declared fields.
        for (record, ids) in &self.declared {
            for (code, id) in ids.iter().enumerate() {
                let def = &self.program.entities[id.index()];
                for (f, value) in def.fields.iter().enumerate() {
                    let term = self.field(*record, f, &Int::from_i64(code as i64));
                    if let Some(lit) = self.literal(value) {
                        if let Some(eq) = same(&term.sym, &lit.sym) {
                            out.push(eq);
                        }
                    }
                }
            }
        }
        out.append(&mut self.side.borrow_mut());
        out
    }

    fn in_time_range(&self, t: &Int) -> Bool {
        Bool::and(&[t.ge(Int::from_i64(TIME_MIN)), t.le(Int::from_i64(TIME_MAX))])
    }

    /// Slot `i` is an event of action `a`.
    pub fn is_action(&self, i: usize, a: ActionId) -> Bool {
        match self.actions.iter().position(|&x| x == a) {
            Some(c) => Bool::and(&[
                self.active[i].clone(),
                self.action[i].eq(Int::from_i64(c as i64)),
            ]),
            None => Bool::from_bool(false),
        }
    }

    /// The value of parameter `p` of slot `i` taken as an event of `a`.
    pub fn arg(&self, i: usize, a: ActionId, p: usize) -> Option<&Val> {
        let c = self.actions.iter().position(|&x| x == a)?;
        self.args.get(i)?.get(c)?.get(p)
    }

    /// What every value of type `ty` satisfies in a scenario.
    fn domain(&self, ty: &Ty, v: &Val) -> Option<Bool> {
        let x = v.as_int()?;
        let zero = || Int::from_i64(0);
        match ty {
            Ty::Int => Some(Bool::and(&[x.ge(zero()), x.le(Int::from_i64(i64::MAX))])),
            Ty::Time => Some(self.in_time_range(x)),
            Ty::Duration => Some(Bool::and(&[
                x.ge(zero()),
                x.le(Int::from_i64(i64::MAX / 60 * 60)),
                x.modulo(Int::from_i64(60)).eq(zero()),
            ])),
            Ty::Enum(e) => {
                let n = self.program.enums[e.index()].members.len() as i64;
                Some(Bool::and(&[x.ge(zero()), x.lt(Int::from_i64(n))]))
            }
            Ty::Event(b) => Some(Bool::or(
                &(0..self.k)
                    .map(|j| Bool::and(&[x.eq(Int::from_i64(j as i64)), self.is_action(j, *b)]))
                    .collect::<Vec<_>>(),
            )),
            _ => None,
        }
    }

    /// Field `f` of the entity coded `entity` of record `record`.
    pub fn field(&self, record: RecordId, f: usize, entity: &Int) -> Val {
        let ty = &self.program.records[record.index()].fields[f].ty;
        let term: Dynamic = {
            let mut fields = self.fields.borrow_mut();
            let decl = fields.entry((record, f)).or_insert_with(|| {
                let range = if *ty == Ty::Bool {
                    Sort::bool()
                } else {
                    Sort::int()
                };
                FuncDecl::new(format!("field_{}_{f}", record.0), &[&Sort::int()], &range)
            });
            decl.apply(&[entity])
        };
        let sym = match term.as_int() {
            Some(i) => Sym::I(i),
            None => Sym::B(term.as_bool().unwrap_or_else(|| Bool::from_bool(false))),
        };
        let v = Val::known(sym);
        if let Some(d) = self.domain(ty, &v) {
            self.side.borrow_mut().push(d);
        }
        v
    }

    /// `elem in owner.field` for a set-valued field: an uninterpreted
    /// relation, fixed for top-level entities to their declared members.
    pub fn member(&self, record: RecordId, f: usize, owner: &Int, elem: &Sym) -> Bool {
        let term: Dynamic = {
            let mut members = self.members.borrow_mut();
            let decl = members.entry((record, f)).or_insert_with(|| {
                let elem_sort = match elem {
                    Sym::B(_) => Sort::bool(),
                    _ => Sort::int(),
                };
                FuncDecl::new(
                    format!("member_{}_{f}", record.0),
                    &[&Sort::int(), &elem_sort],
                    &Sort::bool(),
                )
            });
            match elem {
                Sym::B(b) => decl.apply(&[owner, b]),
                Sym::I(i) => decl.apply(&[owner, i]),
                Sym::Set(_) => return Bool::from_bool(false),
            }
        };
        let holds = term.as_bool().unwrap_or_else(|| Bool::from_bool(false));
        // A declared entity's set is what it declares.
        if let Some(ids) = self.declared.get(&record) {
            for (code, id) in ids.iter().enumerate() {
                let Some(Value::Set(items)) = self.program.entities[id.index()].fields.get(f)
                else {
                    continue;
                };
                let is_member = Bool::or(
                    &items
                        .iter()
                        .filter_map(|v| self.literal(v))
                        .filter_map(|v| same(&v.sym, elem))
                        .collect::<Vec<_>>(),
                );
                self.side.borrow_mut().push(
                    owner
                        .eq(Int::from_i64(code as i64))
                        .implies(holds.iff(&is_member)),
                );
            }
        }
        holds
    }

    /// A causal order of the first `size` slots (§10), for witnesses that
    /// read as a story: an event that names another event — by a
    /// parameter, or by an event-valued field of an entity it names —
    /// comes after it, strictly later in time when `strict`, else later in
    /// the slots' order (equal times are ordered by slot). Empty when no
    /// candidate action can name an event. Only a preference: the search
    /// asks for it after it found a scenario, and keeps that one when it
    /// cannot be had.
    pub fn causal(&self, size: usize, strict: bool) -> Vec<Bool> {
        let size = size.min(self.k);
        let mut out = Vec::new();
        let before = |j: usize, i: usize| {
            if strict {
                self.at[j].lt(&self.at[i])
            } else {
                Bool::from_bool(j < i)
            }
        };
        // `x` (a slot number) names an event before slot `i`.
        let earlier = |x: &Int, i: usize| {
            Bool::and(
                &(0..self.k)
                    .map(|j| x.eq(Int::from_i64(j as i64)).implies(before(j, i)))
                    .collect::<Vec<_>>(),
            )
        };
        for i in 0..size {
            for (c, &a) in self.actions.iter().enumerate() {
                let this = self.is_action(i, a);
                for (p, param) in self.program.actions[a.index()].params.iter().enumerate() {
                    let Some(x) = self.args[i][c][p].as_int() else {
                        continue;
                    };
                    match &param.ty {
                        Ty::Event(_) => out.push(this.implies(earlier(x, i))),
                        Ty::Record(r) => {
                            let fields = &self.program.records[r.index()].fields;
                            for (f, field) in fields.iter().enumerate() {
                                if !matches!(field.ty, Ty::Event(_)) {
                                    continue;
                                }
                                let v = self.field(*r, f, x);
                                if let Some(y) = v.as_int() {
                                    out.push(this.implies(earlier(y, i)));
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        if !out.is_empty() {
            out.append(&mut self.side.borrow_mut());
        }
        out
    }

    /// The domain constraints created since the last call.
    /// A constraint every scenario of this encoding satisfies, asserted
    /// with the formulas (the breach table's fixpoint, `judged`).
    pub fn assume(&self, b: Bool) {
        self.side.borrow_mut().push(b);
    }

    pub fn take_side(&self) -> Vec<Bool> {
        std::mem::take(&mut *self.side.borrow_mut())
    }

    /// A constant of the program as a solver value (`None` for what no
    /// norm can write: events, `?`).
    pub fn literal(&self, v: &Value) -> Option<Val> {
        Some(match v {
            Value::Bool(b) => Val::known(Sym::B(Bool::from_bool(*b))),
            Value::Int(i) | Value::Time(i) | Value::Duration(i) => Val::int(*i),
            Value::Enum(_, m) => Val::int(i64::from(*m)),
            Value::Entity(id) => {
                let def = self.program.entities.get(id.index())?;
                let code = self
                    .declared
                    .get(&def.record)?
                    .iter()
                    .position(|x| x == id)?;
                Val::int(code as i64)
            }
            Value::Text(t) => Val::int(self.texts.iter().position(|x| **x == **t)? as i64),
            Value::Set(items) => Val::known(Sym::Set(
                items
                    .iter()
                    .map(|i| self.literal(i))
                    .collect::<Option<Vec<_>>>()?,
            )),
            Value::Event(_) | Value::Imprecise(..) | Value::Unknown => return None,
        })
    }

    /// Read the first `k` slots of a model back as plain facts.
    pub fn decode(&self, model: &Model, k: usize) -> Result<Facts, DecodeError> {
        let mut dec = Decoder {
            scen: self,
            model,
            fresh: HashMap::new(),
            entities: Vec::new(),
            codes: Vec::new(),
        };
        let as_of = dec.int(&self.as_of)?;
        let mut events = Vec::new();
        for i in 0..k.min(self.k) {
            let c = dec.int(&self.action[i])?;
            let Some(&action) = usize::try_from(c).ok().and_then(|c| self.actions.get(c)) else {
                return Err(DecodeError(format!("slot {i} has no action")));
            };
            let at = dec.int(&self.at[i])?;
            let cidx = c as usize;
            let params = &self.program.actions[action.index()].params;
            let mut args = Vec::new();
            for (p, param) in params.iter().enumerate() {
                args.push(dec.value(&param.ty, &self.args[i][cidx][p])?);
            }
            events.push(EventFact { action, at, args });
        }
        dec.finish_entities()?;
        Ok(Facts {
            as_of,
            events,
            entities: dec.entities,
        })
    }
}

/// Equality of two solver values of the same type (`None` for sets,
/// which no declared entity's field compares here).
pub(crate) fn same(a: &Sym, b: &Sym) -> Option<Bool> {
    match (a, b) {
        (Sym::I(x), Sym::I(y)) => Some(x.eq(y)),
        (Sym::B(x), Sym::B(y)) => Some(x.iff(y)),
        _ => None,
    }
}

fn text_literals(program: &Program) -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Text(t) if !out.iter().any(|x| **x == **t) => out.push(t.to_string()),
            Value::Set(items) => items.iter().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    fn walk_expr(e: &crate::model::Expr, out: &mut Vec<String>) {
        super::support::each_literal(e, &mut |v| walk(v, out));
    }
    let mut out = Vec::new();
    for c in &program.consts {
        walk(&c.value, &mut out);
    }
    for e in &program.entities {
        e.fields.iter().for_each(|v| walk(v, &mut out));
    }
    for n in &program.norms {
        super::support::norm_exprs(program, n).for_each(|e| walk_expr(e, &mut out));
    }
    out
}

struct Decoder<'a, 'p> {
    scen: &'a Scenario<'p>,
    model: &'a Model,
    /// (record, code) → index into `entities`.
    fresh: HashMap<(RecordId, i64), usize>,
    entities: Vec<EntityFact>,
    /// The code of each entry of `entities`.
    codes: Vec<i64>,
}

/// Fresh entities a witness may have: more means a model we misread.
const MAX_FRESH: usize = 10_000;

impl Decoder<'_, '_> {
    fn int(&self, x: &Int) -> Result<i64, DecodeError> {
        self.model
            .eval(x, true)
            .and_then(|v| v.as_i64())
            .ok_or_else(|| DecodeError("the model has no integer for a value".into()))
    }

    fn value(&mut self, ty: &Ty, v: &Val) -> Result<FactVal, DecodeError> {
        match &v.sym {
            Sym::B(b) => Ok(FactVal::Bool(
                self.model
                    .eval(b, true)
                    .and_then(|b| b.as_bool())
                    .unwrap_or(false),
            )),
            Sym::I(x) => {
                let n = self.int(x)?;
                self.of_int(ty, n)
            }
            Sym::Set(_) => Err(DecodeError("a set-valued fact".into())),
        }
    }

    fn of_int(&mut self, ty: &Ty, n: i64) -> Result<FactVal, DecodeError> {
        Ok(match ty {
            Ty::Int => FactVal::Int(n.max(0)),
            Ty::Time => FactVal::Time(n.clamp(TIME_MIN, TIME_MAX)),
            Ty::Duration => FactVal::Duration(n.max(0) / 60 * 60),
            Ty::Enum(e) => {
                let len = self.scen.program.enums[e.index()].members.len() as i64;
                FactVal::Enum(*e, if (0..len).contains(&n) { n as u32 } else { 0 })
            }
            Ty::Text => match usize::try_from(n).ok().and_then(|i| self.scen.texts.get(i)) {
                Some(t) => FactVal::Text(t.clone()),
                None => FactVal::Text(self.fresh_text(n)),
            },
            Ty::Record(r) => {
                let declared = self.scen.declared.get(r).map_or(0, Vec::len) as i64;
                if (0..declared).contains(&n) {
                    FactVal::Declared(self.scen.declared[r][n as usize])
                } else if let Some(&i) = self.fresh.get(&(*r, n)) {
                    FactVal::Fresh(i)
                } else {
                    if self.entities.len() >= MAX_FRESH {
                        return Err(DecodeError("too many entities".into()));
                    }
                    let i = self.entities.len();
                    self.fresh.insert((*r, n), i);
                    self.codes.push(n);
                    // Fields are filled in by `finish_entities`.
                    self.entities.push(EntityFact {
                        record: *r,
                        fields: Vec::new(),
                    });
                    FactVal::Fresh(i)
                }
            }
            Ty::Event(_) => FactVal::Event(usize::try_from(n).unwrap_or(0)),
            Ty::Bool | Ty::Set(_) | Ty::Error => {
                return Err(DecodeError(
                    "a value of a type scenarios do not write".into(),
                ))
            }
        })
    }

    /// A text of the witness's own, distinct from every literal.
    fn fresh_text(&self, n: i64) -> String {
        let mut s = format!("witness text {n}");
        while self.scen.texts.contains(&s) {
            s.push('\'');
        }
        s
    }

    /// Fill in the fields of every fresh entity, following record-typed
    /// fields to the entities they name (a worklist: no recursion).
    fn finish_entities(&mut self) -> Result<(), DecodeError> {
        let mut k = 0;
        while k < self.entities.len() {
            let record = self.entities[k].record;
            let code = self.codes[k];
            let program = self.scen.program;
            let mut fields = Vec::new();
            for (f, def) in program.records[record.index()].fields.iter().enumerate() {
                if matches!(def.ty, Ty::Set(_)) {
                    // Filled in once every entity is known.
                    fields.push(FactVal::Set(Vec::new()));
                    continue;
                }
                let v = self.scen.field(record, f, &Int::from_i64(code));
                fields.push(self.value(&def.ty, &v)?);
            }
            self.scen.take_side();
            self.entities[k].fields = fields;
            k += 1;
        }
        // Set-valued fields: the members among the witness's values. A
        // value the witness does not hold cannot be asked about.
        let program = self.scen.program;
        for k in 0..self.entities.len() {
            let record = self.entities[k].record;
            for (f, def) in program.records[record.index()].fields.iter().enumerate() {
                let Ty::Set(elem) = &def.ty else { continue };
                let candidates: Vec<(Sym, FactVal)> = match &**elem {
                    Ty::Bool => [true, false]
                        .into_iter()
                        .map(|b| (Sym::B(Bool::from_bool(b)), FactVal::Bool(b)))
                        .collect(),
                    Ty::Enum(e) => (0..program.enums[e.index()].members.len())
                        .map(|m| (Sym::I(Int::from_i64(m as i64)), FactVal::Enum(*e, m as u32)))
                        .collect(),
                    Ty::Record(r) => {
                        let declared = self.scen.declared.get(r).cloned().unwrap_or_default();
                        let declared = declared.into_iter().enumerate().map(|(c, id)| {
                            (Sym::I(Int::from_i64(c as i64)), FactVal::Declared(id))
                        });
                        let fresh = (0..self.entities.len())
                            .filter(|&i| self.entities[i].record == *r)
                            .map(|i| (Sym::I(Int::from_i64(self.codes[i])), FactVal::Fresh(i)));
                        declared.chain(fresh).collect()
                    }
                    _ => return Err(DecodeError("a set of values scenarios do not write".into())),
                };
                let owner = Int::from_i64(self.codes[k]);
                let mut members = Vec::new();
                for (sym, fact) in candidates {
                    let m = self.scen.member(record, f, &owner, &sym);
                    if self.model.eval(&m, true).and_then(|b| b.as_bool()) == Some(true) {
                        members.push(fact);
                    }
                }
                self.scen.take_side();
                self.entities[k].fields[f] = FactVal::Set(members);
            }
        }
        Ok(())
    }
}
