//! What evaluation produces: [`Finding`]s, grouped per report in
//! [`ReportFindings`], and their one deterministic order. Plain data: no
//! evaluation and no rendering lives here.

use crate::model::{
    EnumId, EventId, ExceptionTarget, FindingKind, NormId, NormSeverity, Program, ReportDef,
    ReportId, Value,
};
use crate::span::Span;

/// One judgement of a norm on an event of a report (§7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub kind: FindingKind,
    pub norm: NormId,
    /// The matched event; for duties the trigger.
    pub event: EventId,
    /// The trigger event of the instance, if the norm has a trigger.
    pub trigger: Option<EventId>,
    /// The value of each of the norm's variables, in frame order; shown
    /// as `s` → `RU` by [`Finding::bindings`] when written out (a report
    /// of a million events holds millions of findings: values, not text).
    pub frame: Vec<Value>,
    pub severity: NormSeverity,
    /// For `crossed`: the red line's response (a rung of the ladder).
    pub response: Option<(EnumId, u32)>,
    /// For `conflict` (and `suspended`): the other norm.
    pub other: Option<NormId>,
    /// For duties: the event that fulfilled it, in time or late.
    pub fulfilled_by: Option<EventId>,
    /// For duties: the window's start plus `within`, seconds since the
    /// epoch, as an interval `(earliest, latest)` (one instant unless a
    /// time is imprecise).
    pub deadline: Option<(i64, i64)>,
    /// For `excused`: the exception that held (and was not defeated), else
    /// the permit or duty whose override won (§7).
    pub by: Option<ExceptionTarget>,
    /// For a norm triggered `on breach of`: the breach its instance answers
    /// (boxed: few findings have one, and a large report holds millions).
    pub breach: Option<Box<Breach>>,
}

/// The breach a consequence answers (§4): the breached norm, its finding
/// on the trigger event, and when the breach happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Breach {
    pub norm: NormId,
    pub kind: FindingKind,
    /// `(earliest, latest)`, seconds since the epoch.
    pub at: (i64, i64),
}

/// Every finding of one report, in the order of [`FindingOrder`].
impl Finding {
    /// The judging norm's declaration.
    pub fn norm_span(&self, program: &Program) -> Span {
        program.norm(self.norm).span
    }

    /// The matched event's declaration (a duty's trigger), else the norm's.
    pub fn event_span(&self, program: &Program, report: &ReportDef) -> Span {
        report
            .events
            .get(self.event.index())
            .map_or_else(|| self.norm_span(program), |e| e.span)
    }

    /// Each variable's name and its value as shown (`s` → `RU`), in frame
    /// order.
    pub fn bindings<'p>(
        &'p self,
        program: &'p Program,
        report: &'p ReportDef,
    ) -> impl Iterator<Item = (&'p str, std::borrow::Cow<'p, str>)> + 'p {
        program
            .norm(self.norm)
            .vars
            .iter()
            .zip(&self.frame)
            .map(move |(var, v)| (var.name.as_str(), program.show_value_ref(v, Some(report))))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportFindings {
    pub report: ReportId,
    pub findings: Vec<Finding>,
}

impl ReportFindings {
    /// How many findings of each kind, in [`FindingKind::ALL`] order, zeros left out.
    pub fn counts(&self) -> Vec<(FindingKind, usize)> {
        FindingKind::ALL
            .into_iter()
            .map(|k| (k, self.findings.iter().filter(|f| f.kind == k).count()))
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    pub fn has_problems(&self) -> bool {
        self.findings.iter().any(|f| f.kind.is_problem())
    }
}

/// The order of findings: by event time, then the norm's qualified name,
/// then kind; ties (events at the same time) by event name and the other
/// norm, so that the order never depends on the order of declarations.
pub(crate) struct FindingOrder<'a> {
    report: &'a ReportDef,
    /// A norm's place among the norms by qualified name stands for its
    /// name: the same order, with no name copied per finding.
    rank: Vec<u32>,
}

impl<'a> FindingOrder<'a> {
    pub fn new(program: &Program, report: &'a ReportDef) -> FindingOrder<'a> {
        let mut by_name: Vec<usize> = (0..program.norms.len()).collect();
        by_name.sort_by(|&a, &b| program.norms[a].qualified.cmp(&program.norms[b].qualified));
        let mut rank = vec![0u32; program.norms.len()];
        for (k, pair) in by_name.iter().enumerate() {
            let tied =
                k > 0 && program.norms[by_name[k - 1]].qualified == program.norms[*pair].qualified;
            rank[*pair] = if tied { rank[by_name[k - 1]] } else { k as u32 };
        }
        FindingOrder { report, rank }
    }

    fn key(&self, f: &Finding) -> (i64, u32, FindingKind, Option<&'a str>, Option<u32>) {
        let norm_rank = |n: NormId| self.rank.get(n.index()).copied().unwrap_or(u32::MAX);
        let ev = self.report.events.get(f.event.index());
        (
            ev.map_or(i64::MIN, |e| e.at),
            norm_rank(f.norm),
            f.kind,
            ev.map(|e| e.name.as_str()),
            f.other.map(norm_rank),
        )
    }

    /// Sort `findings` into this order, keeping the order of findings
    /// with equal keys (a stable sort). Runs already in order cost one
    /// comparison a finding: sorting pieces first, then the whole, gives
    /// what sorting the whole gives.
    pub fn sort(&self, findings: &mut [Finding]) {
        findings.sort_by(|a, b| self.key(a).cmp(&self.key(b)));
    }
}

/// How severe a forbid's finding is when its instances disagree (§7.1:
/// violation, conflict, possible, excused).
pub(crate) fn forbid_rank(kind: FindingKind) -> u8 {
    match kind {
        FindingKind::Violation => 4,
        FindingKind::Conflict => 3,
        FindingKind::Possible => 2,
        FindingKind::Excused => 1,
        _ => 0,
    }
}
