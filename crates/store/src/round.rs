//! The 免申即享 round ("policy finds the enterprise"): the bureau opens a round for a claim year,
//! every registered entity is evaluated on the facts in force, with no application, and each award
//! found becomes a *proposal* that the entity confirms (意愿确认) or declines before any department
//! verifies it. What could not be decided for want of facts is listed per entity ("provide X to be
//! assessed for Y"). Re-running a round adds only what is new: a once-key already in the ledger is
//! never proposed again, and an award whose result changed with new facts is flagged for a person
//! to review, never altered.

use crate::audit::Entry;
use crate::auth::{Principal, Role};
use crate::ledger::{EntityHead, NewAward, candidates, facts_document, facts_hash};
use crate::{Bind, Error, FieldError, Msg, Result, Store, fen_text, rfc3339};
use qiangke_rules::eval::Missing;
use qiangke_rules::model::RuleKind;
use qiangke_rules::{Lang, Options, Pack, State, evaluate, explain};
use serde_json::{Value as J, json};
use sqlx::Row;
use std::collections::{HashMap, HashSet};

/// Oldest and newest claim year a round may be opened for.
const YEARS: std::ops::RangeInclusive<i64> = 1990..=2100;

/// Entities evaluated together and written together.
const BATCH: usize = 250;

/// What a batch of entities adds to a round.
#[derive(Default)]
struct Batch<'p> {
    /// Awards whose result changed: the id, the flag and its audit entry.
    flags: Vec<(i64, String, Entry)>,
    needs: Vec<Vec<Bind>>,
    applications: Vec<Vec<Bind>>,
    proposals: Vec<NewAward<'p>>,
}

/// How far a round has got, for a page to show while it runs: entities evaluated of all.
#[derive(Debug, Default)]
pub struct Progress {
    total: std::sync::atomic::AtomicUsize,
    done: std::sync::atomic::AtomicUsize,
}

impl Progress {
    fn start(&self, total: usize) {
        self.total.store(total, std::sync::atomic::Ordering::Relaxed);
    }

    fn advance(&self, n: usize) {
        self.done.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    }

    /// `(evaluated, of)`: `of` is 0 until the round has read its entities.
    pub fn get(&self) -> (usize, usize) {
        (self.done.load(std::sync::atomic::Ordering::Relaxed), self.total.load(std::sync::atomic::Ordering::Relaxed))
    }
}

/// An award the ledger already holds for a once-key.
struct Held {
    id: i64,
    status: String,
    low: i64,
    high: Option<i64>,
    facts_hash: Option<String>,
    confirmation: Option<String>,
    flag: Option<String>,
}

impl Held {
    /// Whether it holds the key against a result made on facts `hash` (see `prior_award`).
    fn holds(&self, hash: &str) -> bool {
        self.status != "rejected" || self.facts_hash.as_deref() == Some(hash) || self.confirmation.as_deref() == Some("declined")
    }
}

/// The facts a result waits for, as `{fact, zh, en}`.
fn missing_json(pack: &Pack, ms: &[Missing]) -> J {
    ms.iter()
        .map(|m| {
            let f = explain::missing_ref(m);
            json!({"fact": explain::fact_path(pack, &f), "zh": explain::fact_title(pack, &f, Lang::Zh), "en": explain::fact_title(pack, &f, Lang::En)})
        })
        .collect()
}

fn round_json(r: &sqlx::any::AnyRow) -> Result<J> {
    let rules: String = r.try_get("rules")?;
    Ok(json!({
        "id": r.try_get::<i64, _>("id")?,
        "claim_year": r.try_get::<i64, _>("claim_year")?,
        "rules": if rules.is_empty() { Vec::new() } else { rules.split(',').map(str::to_string).collect::<Vec<_>>() },
        "pack": r.try_get::<String, _>("pack_hash")?,
        "opened_by": r.try_get::<String, _>("username")?,
        "opened_at": rfc3339(r.try_get("opened_at")?),
        "entities": r.try_get::<i64, _>("entities")?,
        "proposed": r.try_get::<i64, _>("proposed")?,
        "unchanged": r.try_get::<i64, _>("unchanged")?,
        "flagged": r.try_get::<i64, _>("flagged")?,
        "needs_information": r.try_get::<i64, _>("needs")?,
        "refused": r.try_get::<i64, _>("refused")?,
    }))
}

const ROUND_SELECT: &str = "SELECT r.id, r.claim_year, r.rules, r.pack_hash, u.username, r.opened_at, r.entities, r.proposed, r.unchanged, \
     r.flagged, r.needs, r.refused FROM rounds r JOIN users u ON u.id = r.opened_by";

/// One registered entity (a row of `SELECT id, uscc, name, kind, county FROM entities ORDER BY
/// id`) and its facts document as text, taking its rows from `rows` (`SELECT entity_id, scope,
/// year, name, value FROM facts ORDER BY entity_id, id`, read along with the entities).
fn entity_document(
    pack: &Pack,
    e: &sqlx::any::AnyRow,
    rows: &mut std::iter::Peekable<std::slice::Iter<'_, sqlx::any::AnyRow>>,
) -> Result<(i64, EntityHead, String)> {
    let entity_id: i64 = e.try_get(0)?;
    let head = EntityHead { uscc: e.try_get(1)?, name: e.try_get(2)?, kind: e.try_get(3)?, county: e.try_get(4)? };
    let mut mine = Vec::new();
    while let Some(r) = rows.peek() {
        let of: i64 = r.try_get(0)?;
        if of < entity_id {
            rows.next();
            continue;
        }
        if of > entity_id {
            break;
        }
        let r = rows.next().expect("peeked");
        mine.push(Ok((r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?)));
    }
    let text = facts_document(pack, &head, mine.into_iter())?.to_string();
    Ok((entity_id, head, text))
}

const ENTITIES_SELECT: &str = "SELECT id, uscc, name, kind, county FROM entities ORDER BY id";
const FACTS_SELECT: &str = "SELECT entity_id, scope, year, name, value FROM facts ORDER BY entity_id, id";

impl Store {
    /// Every registered entity's facts in force, as a round reads them, for a what-if over the
    /// register (nothing is written). Returns the facts and the number of entities left out
    /// because their facts no longer validate against the pack.
    pub async fn population(&self, pack: &Pack, p: &Principal) -> Result<(Vec<qiangke_rules::Facts>, usize)> {
        p.require(&[Role::Admin, Role::Reviewer, Role::Finance], Msg::new("whatif-act-run"))?;
        // One snapshot: the entities and their facts read in one transaction.
        let mut tx = self.pool.begin().await?;
        let ents = sqlx::query(ENTITIES_SELECT).fetch_all(&mut *tx).await?;
        let fact_rows = sqlx::query(FACTS_SELECT).fetch_all(&mut *tx).await?;
        tx.commit().await?;
        let mut rows = fact_rows.iter().peekable();
        let (mut out, mut refused) = (Vec::with_capacity(ents.len()), 0);
        for e in &ents {
            let (_, _, text) = entity_document(pack, e, &mut rows)?;
            match crate::ledger::ledger_facts(pack, &text) {
                Ok(f) => out.push(f),
                Err(_) => refused += 1,
            }
        }
        Ok((out, refused))
    }

    /// Opens a round for `claim_year` over every registered entity (`rules`: only these award
    /// rules; empty: all). One transaction: the round, its proposals, the needs-information
    /// list and every audit entry are kept together or not at all.
    pub async fn open_round(&self, pack: &Pack, p: &Principal, claim_year: i64, rules: &[String]) -> Result<J> {
        self.open_round_with(pack, p, claim_year, rules, None).await
    }

    /// [`Store::open_round`], telling `progress` how far it has got.
    pub async fn open_round_with(
        &self,
        pack: &Pack,
        p: &Principal,
        claim_year: i64,
        rules: &[String],
        progress: Option<&Progress>,
    ) -> Result<J> {
        p.require(&[Role::Admin, Role::Reviewer], Msg::new("round-act-open"))?;
        if !YEARS.contains(&claim_year) {
            return Err(Error::invalid(
                "claim_year",
                Msg::new("ledger-year-outside").arg("year", claim_year).arg("from", YEARS.start()).arg("to", YEARS.end()),
            ));
        }
        let mut scope: HashSet<&str> = HashSet::new();
        let mut errs = Vec::new();
        for id in rules {
            match pack.rules.iter().find(|r| r.id == id.trim()) {
                Some(r) if r.kind == RuleKind::Award => {
                    scope.insert(r.id.as_str());
                }
                Some(_) => errs.push(FieldError::new("rules", Msg::new("round-rule-not-an-award").arg("rule", id.trim()))),
                None => errs.push(FieldError::new("rules", Msg::new("round-rule-unknown").arg("rule", id.trim()))),
            }
        }
        if !errs.is_empty() {
            return Err(Error::Invalid(errs));
        }
        let in_scope = |id: &str| scope.is_empty() || scope.contains(id);
        let year = i32::try_from(claim_year).expect("checked range");

        let mut w = self.writer().await?;
        // Everything is read inside the transaction: the round sees one state of the ledger.
        let ents = sqlx::query(ENTITIES_SELECT).fetch_all(w.conn()).await?;
        let fact_rows = sqlx::query(FACTS_SELECT).fetch_all(w.conn()).await?;
        let mut held: HashMap<String, Vec<Held>> = HashMap::new();
        for r in sqlx::query(
            "SELECT a.once_key, a.id, a.status, a.low_fen, a.high_fen, x.facts_hash, a.confirmation, a.review_flag \
             FROM awards a JOIN applications x ON x.id = a.application_id ORDER BY a.id",
        )
        .fetch_all(w.conn())
        .await?
        {
            held.entry(r.try_get(0)?).or_default().push(Held {
                id: r.try_get(1)?,
                status: r.try_get(2)?,
                low: r.try_get(3)?,
                high: r.try_get(4)?,
                facts_hash: r.try_get(5)?,
                confirmation: r.try_get(6)?,
                flag: r.try_get(7)?,
            });
        }
        let now = w.now();
        let round_id: i64 = sqlx::query(
            "INSERT INTO rounds (claim_year, rules, pack_hash, opened_by, opened_at, entities, proposed, unchanged, flagged, needs, refused) \
             VALUES ($1, $2, $3, $4, $5, 0, 0, 0, 0, 0, 0) RETURNING id",
        )
        .bind(claim_year)
        .bind({
            let mut ids: Vec<&str> = scope.iter().copied().collect();
            ids.sort_unstable();
            ids.join(",")
        })
        .bind(&pack.hash)
        .bind(p.user_id)
        .bind(now)
        .fetch_one(w.conn())
        .await?
        .try_get(0)?;

        let (mut proposed, mut unchanged, mut flagged, mut needs) = (0i64, 0i64, 0i64, 0i64);
        let mut refused = Vec::new();
        let mut rows = fact_rows.iter().peekable();
        if let Some(pr) = progress {
            pr.start(ents.len());
        }
        // Evaluated a few hundred entities at a time; each batch is written while the next is
        // evaluated (the database works on its own thread or server meanwhile), so the two cores
        // share the round.
        let mut writing: Option<Batch<'_>> = None;
        let mut shared = crate::ledger::SharedTexts::default();
        for chunk in ents.chunks(BATCH) {
            let evaluating = async {
                let mut b = Batch::default();
                for (i, e) in chunk.iter().enumerate() {
                    if i % 16 == 15 {
                        // Lets the write of the batch before send its next statement.
                        tokio::task::yield_now().await;
                    }
                    let (entity_id, head, text) = entity_document(pack, e, &mut rows)?;
                    let facts = match crate::ledger::ledger_facts(pack, &text) {
                        Ok(f) => f,
                        Err(r) => {
                            // Facts that no longer validate (the pack changed): the entity is listed, not skipped silently.
                            let problems: Vec<String> = r.diagnostics.iter().map(|d| d.message.render(Lang::Zh)).collect();
                            refused.push(json!({"entity_id": entity_id, "name": head.name, "problems": problems}));
                            continue;
                        }
                    };
                    let hash = facts_hash(pack, &text);
                    let ev = evaluate(pack, &facts, &Options { years: vec![year], ..Options::default() });
                    for r in &ev.results {
                        if let (RuleKind::Award, State::NeedsInformation(ms), true) = (r.rule.kind, &r.state, r.claim_year == year) {
                            if !in_scope(&r.rule.id) {
                                continue;
                            }
                            b.needs.push(vec![
                                Bind::from(round_id),
                                entity_id.into(),
                                r.rule.id.as_str().into(),
                                missing_json(pack, ms).to_string().into(),
                            ]);
                        }
                    }
                    let awarded = |r: &qiangke_rules::RuleResult<'_>| {
                        r.rule.kind == RuleKind::Award
                            && r.claim_year == year
                            && matches!(r.state, State::Awarded { .. })
                            && in_scope(&r.rule.id)
                    };
                    if !ev.results.iter().any(awarded) {
                        continue;
                    }
                    let mut fresh = Vec::new();
                    for c in candidates(&facts.entity_id, &ev, &J::Null)? {
                        if !awarded(c.r) {
                            continue;
                        }
                        let Some(h) = held.get_mut(&c.once_key).and_then(|hs| hs.iter_mut().find(|h| h.holds(&hash))) else {
                            // Two results with one once-key in one evaluation: the first is the award.
                            if !fresh.iter().any(|f: &crate::ledger::Candidate<'_, '_>| f.once_key == c.once_key) {
                                fresh.push(c);
                            }
                            continue;
                        };
                        // (Proposed by this very round for another entity — once-keys begin with the
                        // entity, so this cannot happen — it is not flagged against an award not yet written.)
                        if h.id == 0 || h.status == "rejected" || (h.low, h.high) == (c.low_fen, c.high_fen) {
                            unchanged += 1;
                            continue;
                        }
                        // The same award, a different result on today's facts: flagged, not altered.
                        let amount = json!({"low": fen_text(c.low_fen), "high": c.high_fen.map(fen_text)});
                        // Flagged once per different result: a later round finding the same says nothing new.
                        let known =
                            h.flag.as_deref().and_then(|f| serde_json::from_str::<J>(f).ok()).is_some_and(|f| f["amount"] == amount);
                        if !known {
                            let flag = json!({"round": round_id, "amount": amount}).to_string();
                            b.flags.push((
                                h.id,
                                flag.clone(),
                                Entry {
                                    actor: p.actor(),
                                    action: "award.flag",
                                    subject: format!("award:{}", h.id),
                                    entity_id: Some(entity_id),
                                    department: None,
                                    detail: json!({"round": round_id, "was": {"low": fen_text(h.low), "high": h.high.map(fen_text)}, "now": amount}),
                                },
                            ));
                            h.flag = Some(flag);
                        }
                        flagged += 1;
                    }
                    if fresh.is_empty() {
                        continue;
                    }
                    // New awards: evaluated again with every step, for the explanation each keeps.
                    // Only their rules are visited (and the base rules their top-ups require): a
                    // rule's result and steps do not depend on the rules not visited.
                    let keys: HashSet<String> = fresh.iter().map(|c| c.once_key.clone()).collect();
                    let mut visit = vec![false; pack.rules.len()];
                    for c in &fresh {
                        let mut at = pack.rules.iter().position(|r| std::ptr::eq(r, c.r.rule));
                        while let Some(i) = at.filter(|i| !visit[*i]) {
                            visit[i] = true;
                            at = pack.rules[i].requires.as_ref().map(|q| q.rule);
                        }
                    }
                    let opts = Options { years: vec![year], trace: true, only_rules: Some(visit.into()), ..Options::default() };
                    let partial = evaluate(pack, &facts, &opts);
                    let again = |ev| -> Result<Vec<_>> {
                        Ok(candidates(&facts.entity_id, ev, &J::Null)?
                            .into_iter()
                            .filter(|c| awarded(c.r) && keys.contains(&c.once_key))
                            .collect())
                    };
                    let every;
                    let traced = if again(&partial)?.len() == keys.len() {
                        &partial
                    } else {
                        // Not every award found again that way: the evaluation of every rule.
                        every = evaluate(pack, &facts, &Options { years: vec![year], trace: true, ..Options::default() });
                        &every
                    };
                    let fresh: Vec<_> = again(traced)?
                        .into_iter()
                        .map(|mut c| {
                            c.rj = explain::result_json(pack, c.r);
                            c
                        })
                        .collect();
                    // The round's application keeps the results it proposed (each award keeps its whole
                    // explanation): not the evaluation of every rule, which a population would multiply.
                    let kept = json!({"round": round_id, "results": fresh.iter().map(|c| &c.rj).collect::<Vec<_>>()});
                    b.applications.push(vec![
                        Bind::from(entity_id),
                        claim_year.into(),
                        pack.hash.as_str().into(),
                        kept.to_string().into(),
                        p.user_id.into(),
                        now.into(),
                        hash.as_str().into(),
                    ]);
                    for mut c in fresh {
                        // The application's id is known once it is written: the entity's id until then.
                        let rj = std::mem::take(&mut c.rj);
                        b.proposals.push(NewAward::of(pack, entity_id, entity_id, &c, rj, &mut shared));
                        held.entry(c.once_key.clone()).or_default().push(Held {
                            id: 0,
                            status: "pending".into(),
                            low: c.low_fen,
                            high: c.high_fen,
                            facts_hash: Some(hash.clone()),
                            confirmation: Some("awaiting".into()),
                            flag: None,
                        });
                    }
                }
                Ok::<_, Error>(b)
            };
            let (written, next) = match writing.take() {
                Some(b) => tokio::join!(self.write_batch(&mut w, pack, p, round_id, b), evaluating),
                None => (Ok(0), evaluating.await),
            };
            proposed += written?;
            let next = next?;
            needs += next.needs.len() as i64;
            writing = Some(next);
            if let Some(pr) = progress {
                pr.advance(chunk.len());
            }
        }
        if let Some(b) = writing {
            proposed += self.write_batch(&mut w, pack, p, round_id, b).await?;
        }
        sqlx::query("UPDATE rounds SET entities = $1, proposed = $2, unchanged = $3, flagged = $4, needs = $5, refused = $6 WHERE id = $7")
            .bind(ents.len() as i64)
            .bind(proposed)
            .bind(unchanged)
            .bind(flagged)
            .bind(needs)
            .bind(refused.len() as i64)
            .bind(round_id)
            .execute(w.conn())
            .await?;
        w.log(Entry {
            actor: p.actor(),
            action: "round.open",
            subject: format!("round:{round_id}"),
            entity_id: None,
            department: p.department.clone(),
            detail: json!({"claim_year": claim_year, "rules": rules, "pack": pack.hash, "entities": ents.len(), "proposed": proposed, "unchanged": unchanged, "flagged": flagged, "needs_information": needs, "refused": refused.len()}),
        });
        w.commit().await?;
        let mut out = self.round(p, round_id).await?;
        out["refused_entities"] = refused.into();
        Ok(out)
    }

    /// Writes a batch of a round: the flags it raised, what its entities need, the applications
    /// (one per entity with new awards) and then their proposals, each `NewAward::app` holding its
    /// entity's id until the application is written. Returns the number of proposals.
    async fn write_batch(&self, w: &mut crate::audit::Writer, pack: &Pack, p: &Principal, round_id: i64, b: Batch<'_>) -> Result<i64> {
        for (id, flag, entry) in b.flags {
            sqlx::query("UPDATE awards SET review_flag = $1 WHERE id = $2").bind(&flag).bind(id).execute(w.conn()).await?;
            w.log(entry);
        }
        crate::bulk_insert(w.conn(), "INSERT INTO round_needs (round_id, entity_id, rule_id, facts)", b.needs, None).await?;
        if b.proposals.is_empty() {
            return Ok(0);
        }
        let mut proposals = b.proposals;
        let app_ids: HashMap<i64, i64> = crate::bulk_insert(
            w.conn(),
            "INSERT INTO applications (entity_id, claim_year, pack_hash, evaluation, created_by, created_at, facts_hash)",
            b.applications,
            Some("id, entity_id"),
        )
        .await?
        .iter()
        .map(|r| Ok((r.try_get::<i64, _>(1)?, r.try_get::<i64, _>(0)?)))
        .collect::<Result<_>>()?;
        for a in &mut proposals {
            a.app = app_ids[&a.entity_id];
        }
        Ok(self.insert_awards(w, pack, p, &proposals, Some(round_id)).await?.len() as i64)
    }

    /// One round with its counts.
    pub async fn round(&self, p: &Principal, id: i64) -> Result<J> {
        p.require(&[Role::Admin, Role::Reviewer, Role::Finance], Msg::new("round-act-read"))?;
        let r = sqlx::query(sqlx::AssertSqlSafe(format!("{ROUND_SELECT} WHERE r.id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| Error::NotFound(Msg::new("round-none").arg("id", id)))?;
        round_json(&r)
    }

    /// Every round, newest first.
    pub async fn rounds(&self, p: &Principal) -> Result<Vec<J>> {
        p.require(&[Role::Admin, Role::Reviewer, Role::Finance], Msg::new("round-act-read"))?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{ROUND_SELECT} ORDER BY r.id DESC"))).fetch_all(&self.pool).await?;
        rows.iter().map(round_json).collect()
    }

    /// What the newest round of each claim year could not decide for this entity: per rule, the
    /// facts to provide.
    pub async fn needs_information(&self, p: &Principal, entity_id: i64) -> Result<Vec<J>> {
        self.entity(p, entity_id).await?;
        let rows = sqlx::query(
            "SELECT n.rule_id, n.facts, r.claim_year, r.id FROM round_needs n JOIN rounds r ON r.id = n.round_id \
             WHERE n.entity_id = $1 AND n.round_id = (SELECT MAX(r2.id) FROM rounds r2 WHERE r2.claim_year = r.claim_year) \
             ORDER BY r.claim_year, n.id",
        )
        .bind(entity_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(json!({
                    "rule": r.try_get::<String, _>(0)?,
                    "facts": serde_json::from_str::<J>(&r.try_get::<String, _>(1)?).unwrap_or(J::Null),
                    "claim_year": r.try_get::<i64, _>(2)?,
                    "round": r.try_get::<i64, _>(3)?,
                }))
            })
            .collect()
    }

    /// The entity's facts in force as a facts document (anyone who may see the entity): what its
    /// page evaluates to show what it could still reach.
    pub async fn facts_in_force(&self, pack: &Pack, p: &Principal, entity_id: i64) -> Result<J> {
        self.entity(p, entity_id).await?;
        self.facts_document(pack, entity_id).await
    }

    /// The entity's answer to a proposal: confirmed, it goes to its verifying departments;
    /// declined, it is closed (and stays closed in later rounds). Only the entity's own users
    /// answer, and only once.
    pub async fn confirm_award(&self, p: &Principal, award_id: i64, confirm: bool) -> Result<J> {
        let mut w = self.writer().await?;
        let r = sqlx::query("SELECT entity_id, confirmation, verifiers FROM awards WHERE id = $1")
            .bind(award_id)
            .fetch_optional(w.conn())
            .await?
            .ok_or_else(|| Error::NotFound(Msg::new("ledger-no-award").arg("id", award_id)))?;
        let entity_id: i64 = r.try_get(0)?;
        if p.role != Role::Entity || p.entity_id != Some(entity_id) {
            return Err(Error::Forbidden(Msg::new("round-confirm-own-only").arg("id", award_id)));
        }
        let state: Option<String> = r.try_get(1)?;
        if state.as_deref() != Some("awaiting") {
            return Err(Error::Conflict(Msg::new("round-not-awaiting").arg("id", award_id)));
        }
        let answer = if confirm { "confirmed" } else { "declined" };
        let status_sql = if confirm {
            "UPDATE awards SET confirmation = $1, confirmed_by = $2, confirmed_at = $3 WHERE id = $4"
        } else {
            "UPDATE awards SET confirmation = $1, confirmed_by = $2, confirmed_at = $3, status = 'rejected' WHERE id = $4"
        };
        sqlx::query(status_sql).bind(answer).bind(p.user_id).bind(w.now()).bind(award_id).execute(w.conn()).await?;
        w.cover("awards", award_id);
        w.log(Entry {
            actor: p.actor(),
            action: if confirm { "award.confirm" } else { "award.decline" },
            subject: format!("award:{award_id}"),
            entity_id: Some(entity_id),
            department: Some(r.try_get(2)?),
            detail: json!({"confirmation": answer}),
        });
        w.commit().await?;
        self.award(p, award_id).await
    }
}
