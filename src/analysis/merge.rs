//! Two versions of a text in one program, for `norma diff` (§10).
//!
//! Each version is checked on its own, as `norma check` would; the diff
//! then needs scenarios that both versions can read. [`merge`] builds one
//! [`Program`] holding every norm and exception of both versions (each
//! version's own copies, so a norm's exceptions and overrides are those
//! of its version) over one *shared vocabulary*:
//!
//! - a declaration (enum, record, action, top-level entity) of the old
//!   version is the same as the new version's declaration with the same
//!   name in the corresponding module (the version's own file, or a used
//!   module of the same name) when its shape is the same: the same
//!   members in the same order, the same fields or parameters with the
//!   same types, the same field values. Those are *shared*: a scenario may
//!   use them and a witness writes them in either version.
//! - any other declaration is kept apart (the old one appended to the
//!   program) and is *unshared*; a norm that reads one is not analysed,
//!   with the reason (a scenario using it could not be written as a
//!   report of both versions).
//!
//! Top-level entities that are not shared are hidden from scenarios (they
//! are marked as report entities, which a scenario never picks), so a
//! witness only names entities both versions declare.

use std::collections::HashMap;

use crate::model::{
    ActionDef, ActionId, BreachRef, EntityDef, EntityId, EnumDef, EnumId, ExceptionDef,
    ExceptionId, ExceptionTarget, Expr, ExprKind, FieldDef, ModuleDef, ModuleId, NormDef, NormId,
    Pattern, Program, RecordDef, RecordId, ReportId, Required, Timing, Trigger, Ty, Value, VarDef,
};

/// Marks an entity a scenario must not use (see the module's comment).
const HIDDEN: ReportId = ReportId(u32::MAX);

/// Both versions over one vocabulary.
pub(crate) struct Merged {
    pub program: Program,
    /// The old version's norms (ids of `program`), in the old order.
    pub old_norms: Vec<NormId>,
    pub new_norms: Vec<NormId>,
    /// Why a declaration of `program` is not shared, by kind and id.
    pub unshared_enums: HashMap<EnumId, String>,
    pub unshared_records: HashMap<RecordId, String>,
    pub unshared_actions: HashMap<ActionId, String>,
    pub unshared_entities: HashMap<EntityId, String>,
    /// Merged id → the old version's id, for shared declarations (the
    /// new version's ids are the merged ids).
    pub to_old_enum: HashMap<EnumId, EnumId>,
    pub to_old_record: HashMap<RecordId, RecordId>,
    pub to_old_action: HashMap<ActionId, ActionId>,
    pub to_old_entity: HashMap<EntityId, EntityId>,
}

/// How declarations are matched across versions: the module's key (the
/// version's own file when it has one, else the module's name) and the
/// declaration's name.
fn module_keys(p: &Program, entries: &[ModuleId]) -> Vec<String> {
    p.modules
        .iter()
        .enumerate()
        .map(|(i, m)| {
            if entries.len() == 1 && entries[0].index() == i {
                "<the text>".to_string()
            } else {
                m.name.clone()
            }
        })
        .collect()
}

/// The old version's ids in the merged program.
struct Map {
    modules: Vec<ModuleId>,
    enums: Vec<EnumId>,
    records: Vec<RecordId>,
    actions: Vec<ActionId>,
    entities: Vec<EntityId>,
    norms: u32,
    exceptions: u32,
}

impl Map {
    fn identity(p: &Program) -> Map {
        Map {
            modules: (0..p.modules.len() as u32).map(ModuleId).collect(),
            enums: (0..p.enums.len() as u32).map(EnumId).collect(),
            records: (0..p.records.len() as u32).map(RecordId).collect(),
            actions: (0..p.actions.len() as u32).map(ActionId).collect(),
            entities: (0..p.entities.len() as u32).map(EntityId).collect(),
            norms: 0,
            exceptions: 0,
        }
    }

    fn ty(&self, t: &Ty) -> Ty {
        match t {
            Ty::Enum(e) => Ty::Enum(self.enums[e.index()]),
            Ty::Record(r) => Ty::Record(self.records[r.index()]),
            Ty::Event(a) => Ty::Event(self.actions[a.index()]),
            Ty::Set(t) => Ty::Set(Box::new(self.ty(t))),
            other => other.clone(),
        }
    }

    fn value(&self, v: &Value) -> Value {
        match v {
            Value::Enum(e, m) => Value::Enum(self.enums[e.index()], *m),
            Value::Entity(e) => Value::Entity(self.entities[e.index()]),
            Value::Set(items) => Value::Set(items.iter().map(|i| self.value(i)).collect()),
            other => other.clone(),
        }
    }

    fn norm(&self, n: NormId) -> NormId {
        NormId(n.0 + self.norms)
    }

    fn exception(&self, x: ExceptionId) -> ExceptionId {
        ExceptionId(x.0 + self.exceptions)
    }

    fn fields(&self, fs: &[FieldDef]) -> Vec<FieldDef> {
        fs.iter()
            .map(|f| FieldDef {
                name: f.name.clone(),
                ty: self.ty(&f.ty),
                span: f.span,
            })
            .collect()
    }

    fn expr(&self, e: &Expr) -> Expr {
        let b = |x: &Expr| Box::new(self.expr(x));
        let kind = match &e.kind {
            ExprKind::Lit(v) => ExprKind::Lit(self.value(v)),
            ExprKind::Var(v) => ExprKind::Var(*v),
            ExprKind::Field(x, i) => ExprKind::Field(b(x), *i),
            ExprKind::Param(x, i) => ExprKind::Param(b(x), *i),
            ExprKind::At(x) => ExprKind::At(b(x)),
            ExprKind::Not(x) => ExprKind::Not(b(x)),
            ExprKind::And(xs) => ExprKind::And(xs.iter().map(|x| self.expr(x)).collect()),
            ExprKind::Or(xs) => ExprKind::Or(xs.iter().map(|x| self.expr(x)).collect()),
            ExprKind::Cmp(op, x, y) => ExprKind::Cmp(*op, b(x), b(y)),
            ExprKind::Arith(op, x, y) => ExprKind::Arith(*op, b(x), b(y)),
            ExprKind::In(x, y) => ExprKind::In(b(x), b(y)),
            ExprKind::SetLit(xs) => ExprKind::SetLit(xs.iter().map(|x| self.expr(x)).collect()),
            ExprKind::Exists(req, timing) => ExprKind::Exists(
                Box::new(self.required(req)),
                timing.as_ref().map(|t| Timing {
                    kind: t.kind,
                    within: t.within.as_ref().map(|w| b(w)),
                    anchor: b(&t.anchor),
                }),
            ),
            ExprKind::Known(x) => ExprKind::Known(b(x)),
            ExprKind::MaxResponse(x) => ExprKind::MaxResponse(b(x)),
        };
        Expr {
            kind,
            ty: self.ty(&e.ty),
            span: e.span,
        }
    }

    fn pattern(&self, p: &Pattern) -> Pattern {
        Pattern {
            action: self.actions[p.action.index()],
            binder: p.binder,
            bindings: p.bindings.clone(),
            span: p.span,
        }
    }

    fn required(&self, r: &Required) -> Required {
        Required {
            action: self.actions[r.action.index()],
            args: r.args.iter().map(|(i, e)| (*i, self.expr(e))).collect(),
            span: r.span,
        }
    }

    fn norm_def(&self, n: &NormDef) -> NormDef {
        NormDef {
            name: n.name.clone(),
            qualified: n.qualified.clone(),
            module: self.modules[n.module.index()],
            kind: n.kind,
            title: n.title.clone(),
            doc: None,
            source: n.source.clone(),
            severity: n.severity,
            response: n.response.map(|(e, m)| (self.enums[e.index()], m)),
            modality: n.modality,
            trigger: n.trigger.as_ref().map(|t| Trigger {
                pattern: self.pattern(&t.pattern),
                when: t.when.as_ref().map(|e| self.expr(e)),
                breach: t.breach.map(|b| BreachRef {
                    norm: self.norm(b.norm),
                    span: b.span,
                }),
            }),
            matched: n.matched.as_ref().map(|p| self.pattern(p)),
            required: n.required.as_ref().map(|r| self.required(r)),
            within: n.within,
            when: n.when.as_ref().map(|e| self.expr(e)),
            unless: n.unless.as_ref().map(|e| self.expr(e)),
            overrides: n.overrides.iter().map(|&o| self.norm(o)).collect(),
            exceptions: n.exceptions.iter().map(|&x| self.exception(x)).collect(),
            vars: n
                .vars
                .iter()
                .map(|v| VarDef {
                    name: v.name.clone(),
                    ty: self.ty(&v.ty),
                    span: v.span,
                })
                .collect(),
            span: n.span,
            name_span: n.name_span,
        }
    }

    fn exception_def(&self, x: &ExceptionDef) -> ExceptionDef {
        ExceptionDef {
            name: x.name.clone(),
            qualified: x.qualified.clone(),
            module: self.modules[x.module.index()],
            title: x.title.clone(),
            doc: None,
            source: x.source.clone(),
            target: match x.target {
                ExceptionTarget::Norm(n) => ExceptionTarget::Norm(self.norm(n)),
                ExceptionTarget::Exception(e) => ExceptionTarget::Exception(self.exception(e)),
            },
            root: self.norm(x.root),
            when: x.when.as_ref().map(|e| self.expr(e)),
            unless: x.unless.as_ref().map(|e| self.expr(e)),
            exceptions: x.exceptions.iter().map(|&e| self.exception(e)).collect(),
            span: x.span,
            name_span: x.name_span,
        }
    }
}

/// Candidate partners by key: old index → new index.
fn by_key<'a, T: 'a>(
    old: &'a [T],
    new: &'a [T],
    key_old: impl Fn(&T) -> Option<String>,
    key_new: impl Fn(&T) -> Option<String>,
) -> Vec<Option<usize>> {
    let index: HashMap<String, usize> = new
        .iter()
        .enumerate()
        .filter_map(|(i, d)| key_new(d).map(|k| (k, i)))
        .collect();
    old.iter()
        .map(|d| key_old(d).and_then(|k| index.get(&k).copied()))
        .collect()
}

/// Merge `old` into a copy of `new` (see the module's comment).
pub(crate) fn merge(
    old: &Program,
    old_entries: &[ModuleId],
    new: &Program,
    new_entries: &[ModuleId],
) -> Merged {
    let ko = module_keys(old, old_entries);
    let kn = module_keys(new, new_entries);
    let key = |keys: &[String], m: ModuleId, name: &str| format!("{}::{name}", keys[m.index()]);

    // Candidates by name, then pruned until every shape agrees.
    let mut enums = by_key(
        &old.enums,
        &new.enums,
        |d: &EnumDef| Some(key(&ko, d.module, &d.name)),
        |d| Some(key(&kn, d.module, &d.name)),
    );
    for (o, n) in enums.iter_mut().enumerate() {
        if let Some(j) = *n {
            let (a, b) = (&old.enums[o], &new.enums[j]);
            if a.members != b.members || a.ordered != b.ordered {
                *n = None;
            }
        }
    }
    let mut records = by_key(
        &old.records,
        &new.records,
        |d: &RecordDef| Some(key(&ko, d.module, &d.name)),
        |d| Some(key(&kn, d.module, &d.name)),
    );
    let mut actions = by_key(
        &old.actions,
        &new.actions,
        |d: &ActionDef| Some(key(&ko, d.module, &d.name)),
        |d| Some(key(&kn, d.module, &d.name)),
    );
    let mut entities = by_key(
        &old.entities,
        &new.entities,
        |d: &EntityDef| d.report.is_none().then(|| key(&ko, d.module, &d.name)),
        |d| d.report.is_none().then(|| key(&kn, d.module, &d.name)),
    );
    let same_ty = |a: &Ty, b: &Ty, records: &[Option<usize>], actions: &[Option<usize>]| {
        fn go(
            a: &Ty,
            b: &Ty,
            enums: &[Option<usize>],
            records: &[Option<usize>],
            actions: &[Option<usize>],
        ) -> bool {
            match (a, b) {
                (Ty::Enum(x), Ty::Enum(y)) => enums[x.index()] == Some(y.index()),
                (Ty::Record(x), Ty::Record(y)) => records[x.index()] == Some(y.index()),
                (Ty::Event(x), Ty::Event(y)) => actions[x.index()] == Some(y.index()),
                (Ty::Set(x), Ty::Set(y)) => go(x, y, enums, records, actions),
                (x, y) => x == y,
            }
        }
        go(a, b, &enums, records, actions)
    };
    let same_fields =
        |a: &[FieldDef], b: &[FieldDef], r: &[Option<usize>], ac: &[Option<usize>]| {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|(x, y)| x.name == y.name && same_ty(&x.ty, &y.ty, r, ac))
        };
    loop {
        let mut changed = false;
        for o in 0..records.len() {
            if let Some(j) = records[o] {
                if !same_fields(
                    &old.records[o].fields,
                    &new.records[j].fields,
                    &records,
                    &actions,
                ) {
                    records[o] = None;
                    changed = true;
                }
            }
        }
        for o in 0..actions.len() {
            if let Some(j) = actions[o] {
                if !same_fields(
                    &old.actions[o].params,
                    &new.actions[j].params,
                    &records,
                    &actions,
                ) {
                    actions[o] = None;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let same_value = |a: &Value, b: &Value, entities: &[Option<usize>]| {
        fn go(a: &Value, b: &Value, enums: &[Option<usize>], entities: &[Option<usize>]) -> bool {
            match (a, b) {
                (Value::Enum(x, m), Value::Enum(y, n)) => {
                    m == n && enums[x.index()] == Some(y.index())
                }
                (Value::Entity(x), Value::Entity(y)) => entities[x.index()] == Some(y.index()),
                (Value::Set(xs), Value::Set(ys)) => {
                    xs.len() == ys.len()
                        && xs
                            .iter()
                            .zip(ys.iter())
                            .all(|(x, y)| go(x, y, enums, entities))
                }
                (x, y) => x == y,
            }
        }
        go(a, b, &enums, entities)
    };
    loop {
        let mut changed = false;
        for o in 0..entities.len() {
            if let Some(j) = entities[o] {
                let (a, b) = (&old.entities[o], &new.entities[j]);
                let ok = records[a.record.index()] == Some(b.record.index())
                    && a.fields.len() == b.fields.len()
                    && a.fields
                        .iter()
                        .zip(&b.fields)
                        .all(|(x, y)| same_value(x, y, &entities));
                if !ok {
                    entities[o] = None;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }

    // The merged program: the new version as it is, then the old one's
    // modules, unshared declarations, norms and exceptions.
    let id = Map::identity(new);
    let mut p = Program::default();
    let mut m = Map {
        modules: Vec::new(),
        enums: Vec::new(),
        records: Vec::new(),
        actions: Vec::new(),
        entities: Vec::new(),
        norms: new.norms.len() as u32,
        exceptions: new.exceptions.len() as u32,
    };
    let base = new.modules.len() as u32;
    m.modules = (0..old.modules.len() as u32)
        .map(|i| ModuleId(base + i))
        .collect();
    let assign = |matched: &[Option<usize>], start: usize| -> Vec<u32> {
        let mut next = start as u32;
        matched
            .iter()
            .map(|x| match x {
                Some(j) => *j as u32,
                None => {
                    next += 1;
                    next - 1
                }
            })
            .collect()
    };
    m.enums = assign(&enums, new.enums.len())
        .into_iter()
        .map(EnumId)
        .collect();
    m.records = assign(&records, new.records.len())
        .into_iter()
        .map(RecordId)
        .collect();
    m.actions = assign(&actions, new.actions.len())
        .into_iter()
        .map(ActionId)
        .collect();
    m.entities = assign(&entities, new.entities.len())
        .into_iter()
        .map(EntityId)
        .collect();

    for (src, map) in [(new, &id), (old, &m)] {
        for d in &src.modules {
            p.modules.push(ModuleDef {
                name: d.name.clone(),
                file: d.file,
                uses: d.uses.iter().map(|u| map.modules[u.index()]).collect(),
                is_entry: d.is_entry,
            });
        }
    }
    let new_only = |matched: &[Option<usize>], len: usize| -> Vec<bool> {
        let mut seen = vec![false; len];
        for j in matched.iter().flatten() {
            seen[*j] = true;
        }
        seen
    };
    let mut merged = Merged {
        program: Program::default(),
        old_norms: Vec::new(),
        new_norms: Vec::new(),
        unshared_enums: HashMap::new(),
        unshared_records: HashMap::new(),
        unshared_actions: HashMap::new(),
        unshared_entities: HashMap::new(),
        to_old_enum: HashMap::new(),
        to_old_record: HashMap::new(),
        to_old_action: HashMap::new(),
        to_old_entity: HashMap::new(),
    };
    let why = |in_other: bool, which: &str| {
        if in_other {
            "is declared differently in the two versions".to_string()
        } else {
            format!("is declared only in the {which} version")
        }
    };

    // Enums.
    let seen = new_only(&enums, new.enums.len());
    for (j, d) in new.enums.iter().enumerate() {
        p.enums.push(clone_enum(d, id.modules[d.module.index()]));
        if !seen[j] {
            let other = old
                .enums
                .iter()
                .any(|o| key(&ko, o.module, &o.name) == key(&kn, d.module, &d.name));
            merged
                .unshared_enums
                .insert(EnumId(j as u32), why(other, "new"));
        }
    }
    for (o, d) in old.enums.iter().enumerate() {
        match enums[o] {
            Some(j) => {
                merged
                    .to_old_enum
                    .insert(EnumId(j as u32), EnumId(o as u32));
            }
            None => {
                let other = seen_key(
                    &new.enums,
                    |n| key(&kn, n.module, &n.name),
                    &key(&ko, d.module, &d.name),
                );
                merged.unshared_enums.insert(m.enums[o], why(other, "old"));
                p.enums.push(clone_enum(d, m.modules[d.module.index()]));
            }
        }
    }
    // Records.
    let seen = new_only(&records, new.records.len());
    for (j, d) in new.records.iter().enumerate() {
        p.records.push(clone_record(d, &id));
        if !seen[j] {
            let other = seen_key(
                &old.records,
                |o| key(&ko, o.module, &o.name),
                &key(&kn, d.module, &d.name),
            );
            merged
                .unshared_records
                .insert(RecordId(j as u32), why(other, "new"));
        }
    }
    for (o, d) in old.records.iter().enumerate() {
        match records[o] {
            Some(j) => {
                merged
                    .to_old_record
                    .insert(RecordId(j as u32), RecordId(o as u32));
            }
            None => {
                let other = seen_key(
                    &new.records,
                    |n| key(&kn, n.module, &n.name),
                    &key(&ko, d.module, &d.name),
                );
                merged
                    .unshared_records
                    .insert(m.records[o], why(other, "old"));
                p.records.push(clone_record(d, &m));
            }
        }
    }
    // Actions.
    let seen = new_only(&actions, new.actions.len());
    for (j, d) in new.actions.iter().enumerate() {
        p.actions.push(clone_action(d, &id));
        if !seen[j] {
            let other = seen_key(
                &old.actions,
                |o| key(&ko, o.module, &o.name),
                &key(&kn, d.module, &d.name),
            );
            merged
                .unshared_actions
                .insert(ActionId(j as u32), why(other, "new"));
        }
    }
    for (o, d) in old.actions.iter().enumerate() {
        match actions[o] {
            Some(j) => {
                merged
                    .to_old_action
                    .insert(ActionId(j as u32), ActionId(o as u32));
            }
            None => {
                let other = seen_key(
                    &new.actions,
                    |n| key(&kn, n.module, &n.name),
                    &key(&ko, d.module, &d.name),
                );
                merged
                    .unshared_actions
                    .insert(m.actions[o], why(other, "old"));
                p.actions.push(clone_action(d, &m));
            }
        }
    }
    // Entities: every one of the new version (report entities and the
    // unshared hidden), then the old version's unshared ones, hidden.
    let seen = new_only(&entities, new.entities.len());
    for (j, d) in new.entities.iter().enumerate() {
        let mut e = clone_entity(d, &id);
        if d.report.is_some() {
            e.report = Some(HIDDEN);
        } else if !seen[j] {
            let other = seen_key(
                &old.entities,
                |o| key(&ko, o.module, &o.name),
                &key(&kn, d.module, &d.name),
            );
            merged
                .unshared_entities
                .insert(EntityId(j as u32), why(other, "new"));
            e.report = Some(HIDDEN);
        }
        p.entities.push(e);
    }
    for (o, d) in old.entities.iter().enumerate() {
        match entities[o] {
            Some(j) => {
                merged
                    .to_old_entity
                    .insert(EntityId(j as u32), EntityId(o as u32));
            }
            None => {
                if d.report.is_none() {
                    let other = seen_key(
                        &new.entities,
                        |n| key(&kn, n.module, &n.name),
                        &key(&ko, d.module, &d.name),
                    );
                    merged
                        .unshared_entities
                        .insert(m.entities[o], why(other, "old"));
                }
                let mut e = clone_entity(d, &m);
                e.report = Some(HIDDEN);
                p.entities.push(e);
            }
        }
    }
    // Norms and exceptions: the new version's, then the old version's.
    for (src, map, out) in [
        (new, &id, &mut merged.new_norms),
        (old, &m, &mut merged.old_norms),
    ] {
        for (i, n) in src.norms.iter().enumerate() {
            p.norms.push(map.norm_def(n));
            out.push(map.norm(NormId(i as u32)));
        }
        for x in &src.exceptions {
            p.exceptions.push(map.exception_def(x));
        }
    }
    merged.program = p;
    merged
}

fn seen_key<T>(list: &[T], key: impl Fn(&T) -> String, wanted: &str) -> bool {
    list.iter().any(|d| key(d) == wanted)
}

fn clone_enum(d: &EnumDef, module: ModuleId) -> EnumDef {
    EnumDef {
        name: d.name.clone(),
        qualified: d.qualified.clone(),
        module,
        ordered: d.ordered,
        members: d.members.clone(),
        member_spans: d.member_spans.clone(),
        doc: None,
        span: d.span,
        name_span: d.name_span,
    }
}

fn clone_record(d: &RecordDef, m: &Map) -> RecordDef {
    RecordDef {
        name: d.name.clone(),
        qualified: d.qualified.clone(),
        module: m.modules[d.module.index()],
        fields: m.fields(&d.fields),
        doc: None,
        span: d.span,
        name_span: d.name_span,
    }
}

fn clone_action(d: &ActionDef, m: &Map) -> ActionDef {
    ActionDef {
        name: d.name.clone(),
        qualified: d.qualified.clone(),
        module: m.modules[d.module.index()],
        params: m.fields(&d.params),
        doc: None,
        span: d.span,
        name_span: d.name_span,
    }
}

fn clone_entity(d: &EntityDef, m: &Map) -> EntityDef {
    EntityDef {
        name: d.name.clone(),
        qualified: d.qualified.clone(),
        module: m.modules[d.module.index()],
        record: m.records[d.record.index()],
        fields: d.fields.iter().map(|v| m.value(v)).collect(),
        report: d.report,
        doc: None,
        span: d.span,
        name_span: d.name_span,
    }
}
