//! 公示: decided awards published on a public list for a period of working days before they are
//! paid; objections filed by anyone during the period, settled by the department that decided
//! (upheld: the decision is withdrawn; rejected: it stands); and the holds that keep finance from
//! paying an award before its period ends, while an objection is open, or after a withdrawal.
//!
//! The practice and its period come from the pack (`[publication]`, see
//! [`qiangke_rules::model::Publication`]); days are counted in China Standard Time on the
//! ledger's clock ([`Store::now`]), so tests move time forward instead of waiting.

use crate::audit::{Entry, Writer};
use crate::auth::{Principal, Role};
use crate::{Error, FieldError, Msg, Result, Store, fen_text, rfc3339};
use qiangke_rules::Pack;
use qiangke_rules::value::Date;
use serde::Deserialize;
use serde_json::{Value as J, json};
use sqlx::Row;
use std::collections::{BTreeSet, HashMap, HashSet};

/// A list to publish: every decided award not yet published (of one claim year, if given).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"title": "2023年度科技创新奖补资金拟兑现名单公示", "claim_year": 2023})))]
pub struct PublishInput {
    /// The list's title, as the public page shows it.
    #[schema(min_length = 1, max_length = 100, examples("2023年度科技创新奖补资金拟兑现名单公示"))]
    pub title: String,
    /// Only the awards of this claim year (all claim years when absent).
    #[serde(default)]
    pub claim_year: Option<i64>,
}

/// An objection to an award on a published list, filed by anyone during the period.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"award_id": 2, "reason": "该企业2023年并未被认定为高新技术企业", "contact": "0935-1234567", "name": "张三"})))]
pub struct ObjectionInput {
    /// The award objected to (on this list).
    pub award_id: i64,
    /// Why (up to 1,000 characters).
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
    /// How the department can reach whoever objects: a telephone number or an address (up to 100
    /// characters). Only the deciding department and the administrator see it.
    #[schema(min_length = 1, max_length = 100)]
    pub contact: String,
    /// Who objects (may be left empty).
    #[serde(default)]
    #[schema(max_length = 50)]
    pub name: String,
}

/// A department's ruling on an objection.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"verdict": "rejected", "reason": "经核实,该企业已于2023年11月20日被认定为高新技术企业"})))]
pub struct RulingInput {
    pub verdict: Verdict,
    /// Why (required either way).
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// Upheld: the objection is right and the decision is withdrawn. Rejected: the decision stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = RulingVerdict)]
pub enum Verdict {
    Upheld,
    Rejected,
}

impl Verdict {
    fn as_str(self) -> &'static str {
        match self {
            Verdict::Upheld => "upheld",
            Verdict::Rejected => "rejected",
        }
    }
}

/// Why a payout cannot be paid now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hold {
    /// An objection to the award was upheld: its decision is withdrawn.
    Withdrawn,
    /// An objection to the award is not settled yet.
    ObjectionOpen(i64),
    /// The pack requires 公示 and the award has not been published.
    NotPublished,
    /// Published; the period runs until this day (included).
    InPeriod(Date),
}

impl Hold {
    /// The refusal, for payout `payout`.
    pub fn msg(&self, payout: i64) -> Msg {
        match self {
            Hold::Withdrawn => Msg::new("ledger-pay-withdrawn").arg("id", payout),
            Hold::ObjectionOpen(o) => Msg::new("ledger-pay-objection-open").arg("id", payout).arg("objection", o),
            Hold::NotPublished => Msg::new("ledger-pay-not-published").arg("id", payout),
            Hold::InPeriod(d) => Msg::new("ledger-pay-in-period").arg("id", payout).arg("date", d.to_string()),
        }
    }

    pub fn json(&self) -> J {
        match self {
            Hold::Withdrawn => json!({"code": "withdrawn"}),
            Hold::ObjectionOpen(o) => json!({"code": "objection_open", "objection": o}),
            Hold::NotPublished => json!({"code": "not_published"}),
            Hold::InPeriod(d) => json!({"code": "in_period", "until": d.to_string()}),
        }
    }
}

/// What the ledger knows of the awards' 公示: the period's last day of each published award,
/// its open objection, and whether its decision was withdrawn.
#[derive(Debug, Default)]
pub(crate) struct Standing {
    ends: HashMap<i64, Date>,
    open: HashMap<i64, i64>,
    withdrawn: HashSet<i64>,
}

impl Standing {
    /// Of every award (`award = None`) or of one.
    pub(crate) async fn load(conn: &mut sqlx::AnyConnection, award: Option<i64>) -> Result<Standing> {
        let mut s = Standing::default();
        let a = award.unwrap_or(0);
        for r in sqlx::query(
            "SELECT i.award_id, p.ends_on FROM publication_items i JOIN publications p ON p.id = i.publication_id WHERE ($1 = 0 OR i.award_id = $1)",
        )
        .bind(a)
        .fetch_all(&mut *conn)
        .await?
        {
            if let Ok(d) = Date::parse(&r.try_get::<String, _>(1)?) {
                s.ends.insert(r.try_get(0)?, d);
            }
        }
        for r in sqlx::query(
            "SELECT o.award_id, o.id, r.verdict FROM objections o LEFT JOIN objection_rulings r ON r.objection_id = o.id \
             WHERE ($1 = 0 OR o.award_id = $1) ORDER BY o.id",
        )
        .bind(a)
        .fetch_all(&mut *conn)
        .await?
        {
            let award: i64 = r.try_get(0)?;
            match r.try_get::<Option<String>, _>(2)?.as_deref() {
                None => {
                    s.open.entry(award).or_insert(r.try_get(1)?);
                }
                Some("upheld") => {
                    s.withdrawn.insert(award);
                }
                Some(_) => {}
            }
        }
        Ok(s)
    }

    /// Why the payout of `award` cannot be paid on `today` (none: it can).
    pub(crate) fn hold(&self, pack: &Pack, award: i64, today: Date) -> Option<Hold> {
        if self.withdrawn.contains(&award) {
            return Some(Hold::Withdrawn);
        }
        if let Some(o) = self.open.get(&award) {
            return Some(Hold::ObjectionOpen(*o));
        }
        match self.ends.get(&award) {
            Some(end) if today <= *end => Some(Hold::InPeriod(*end)),
            Some(_) => None,
            None if pack.publication.required => Some(Hold::NotPublished),
            None => None,
        }
    }

    pub(crate) fn is_withdrawn(&self, award: i64) -> bool {
        self.withdrawn.contains(&award)
    }
}

impl Store {
    /// The ledger's day today, in China Standard Time.
    pub fn today(&self) -> Date {
        crate::cst_date(self.now())
    }

    /// The bureau publishes every decided award not yet published (of one claim year, if given):
    /// awards whose payout is scheduled (a decision awaiting its second approval waits), not
    /// withdrawn. The period starts today (or the next working day) and lasts the pack's number
    /// of working days. Refused with nothing to publish.
    pub async fn publish(&self, pack: &Pack, p: &Principal, input: &PublishInput) -> Result<J> {
        p.require(&[Role::Reviewer, Role::Admin], Msg::new("ledger-act-publish"))?;
        if !publishes(pack, p) {
            let publisher = pack.publication.publisher.map(|i| pack.department(i));
            let (zh, en) = publisher.map_or_else(Default::default, |d| (d.name.zh.clone(), d.name.en.clone()));
            return Err(Error::Forbidden(Msg::new("ledger-publish-not-publisher").arg("zh", zh).arg("en", en)));
        }
        let mut errs = Vec::new();
        crate::check_text("title", &input.title, 100, true, &mut errs);
        if input.claim_year.is_some_and(|y| !(1990..=2100).contains(&y)) {
            errs.push(FieldError::new(
                "claim_year",
                Msg::new("ledger-year-outside").arg("year", input.claim_year.unwrap_or_default()).arg("from", 1990).arg("to", 2100),
            ));
        }
        if !errs.is_empty() {
            return Err(Error::Invalid(errs));
        }
        let mut w = self.writer().await?;
        let rows = sqlx::query(
            "SELECT a.id, a.entity_id, p.amount_fen, a.verifiers FROM awards a JOIN payouts p ON p.award_id = a.id \
             WHERE a.status = 'decided' AND ($1 = 0 OR a.claim_year = $1) \
             AND NOT EXISTS (SELECT 1 FROM publication_items i WHERE i.award_id = a.id) \
             AND NOT EXISTS (SELECT 1 FROM objection_rulings r WHERE r.award_id = a.id AND r.verdict = 'upheld') ORDER BY a.id",
        )
        .bind(input.claim_year.unwrap_or(0))
        .fetch_all(w.conn())
        .await?;
        if rows.is_empty() {
            return Err(Error::Conflict(match input.claim_year {
                Some(y) => Msg::new("ledger-publish-nothing-year").arg("year", y),
                None => Msg::new("ledger-publish-nothing"),
            }));
        }
        let now = w.now();
        let day = crate::cst_date(now);
        let (starts, ends) = pack.publication.period(day);
        let days = i64::from(pack.publication.working_days.max(1));
        let id: i64 = sqlx::query(
            "INSERT INTO publications (title, claim_year, published_on, starts_on, ends_on, working_days, published_by, published_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(input.title.trim())
        .bind(input.claim_year)
        .bind(day.to_string())
        .bind(starts.to_string())
        .bind(ends.to_string())
        .bind(days)
        .bind(p.user_id)
        .bind(now)
        .fetch_one(w.conn())
        .await?
        .try_get(0)?;
        w.cover("publications", id);
        let mut total = 0i64;
        for r in &rows {
            let (award, entity, amount, verifiers): (i64, i64, i64, String) = (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?);
            total += amount;
            let item: i64 =
                sqlx::query("INSERT INTO publication_items (publication_id, award_id, amount_fen) VALUES ($1, $2, $3) RETURNING id")
                    .bind(id)
                    .bind(award)
                    .bind(amount)
                    .fetch_one(w.conn())
                    .await?
                    .try_get(0)?;
            w.cover("publication_items", item);
            w.log(Entry {
                actor: p.actor(),
                action: "award.publish",
                subject: format!("award:{award}"),
                entity_id: Some(entity),
                department: Some(verifiers),
                detail: json!({"publication": id, "amount": fen_text(amount), "ends_on": ends.to_string()}),
            });
        }
        w.log(Entry {
            actor: p.actor(),
            action: "publication.create",
            subject: format!("publication:{id}"),
            entity_id: None,
            department: None,
            detail: json!({"title": input.title.trim(), "awards": rows.len(), "total": fen_text(total), "starts_on": starts.to_string(), "ends_on": ends.to_string()}),
        });
        w.commit().await?;
        self.publication(pack, id).await
    }

    /// Every published list, newest first, with its period and whether it is still open.
    pub async fn publications(&self, pack: &Pack) -> Result<Vec<J>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{HEAD_SELECT} ORDER BY p.id DESC"))).fetch_all(&self.pool).await?;
        let today = self.today();
        rows.iter().map(|r| head_json(pack, r, today)).collect()
    }

    /// One published list with its awards: what the public page shows (no objection, no contact).
    pub async fn publication(&self, pack: &Pack, id: i64) -> Result<J> {
        let r = sqlx::query(sqlx::AssertSqlSafe(format!("{HEAD_SELECT} WHERE p.id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| Error::NotFound(Msg::new("ledger-no-publication").arg("id", id)))?;
        let mut out = head_json(pack, &r, self.today())?;
        let items = sqlx::query(
            "SELECT i.award_id, e.name, e.uscc, e.county, a.rule_id, a.clause, a.budget_year, i.amount_fen, \
             (SELECT COUNT(*) FROM objection_rulings r WHERE r.award_id = i.award_id AND r.verdict = 'upheld') FROM publication_items i \
             JOIN awards a ON a.id = i.award_id JOIN entities e ON e.id = a.entity_id WHERE i.publication_id = $1 ORDER BY i.id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|x| {
            let award: i64 = x.try_get(0)?;
            Ok(json!({
                "award_id": award,
                "entity": {"name": x.try_get::<String, _>(1)?, "uscc": x.try_get::<String, _>(2)?, "county": x.try_get::<String, _>(3)?},
                "rule": x.try_get::<String, _>(4)?, "clause": x.try_get::<String, _>(5)?, "budget_year": x.try_get::<i64, _>(6)?,
                "amount": fen_text(x.try_get(7)?),
                // Withdrawn after an objection was upheld (the public sees that, not the objection).
                "withdrawn": x.try_get::<i64, _>(8)? > 0,
            }))
        })
        .collect::<Result<Vec<_>>>()?;
        out["items"] = items.into();
        Ok(out)
    }

    /// Anyone objects to an award on a published list, during its period. The objection goes to
    /// the department that decided the award; until it rules, the award is not paid.
    pub async fn object(&self, publication: i64, input: &ObjectionInput) -> Result<J> {
        let mut errs = Vec::new();
        crate::check_text("reason", &input.reason, 1000, true, &mut errs);
        crate::check_text("contact", &input.contact, 100, true, &mut errs);
        crate::check_text("name", &input.name, 50, false, &mut errs);
        if !errs.is_empty() {
            return Err(Error::Invalid(errs));
        }
        let mut w = self.writer().await?;
        let pubrow = sqlx::query("SELECT published_on, ends_on FROM publications WHERE id = $1")
            .bind(publication)
            .fetch_optional(w.conn())
            .await?
            .ok_or_else(|| Error::NotFound(Msg::new("ledger-no-publication").arg("id", publication)))?;
        let ends: String = pubrow.try_get(1)?;
        let today = crate::cst_date(w.now());
        if Date::parse(&ends).is_ok_and(|e| today > e) {
            return Err(Error::Conflict(Msg::new("ledger-objection-period-over").arg("date", ends)));
        }
        let a = sqlx::query(
            "SELECT a.entity_id, a.verifiers, u.department FROM publication_items i JOIN awards a ON a.id = i.award_id \
             LEFT JOIN decisions d ON d.award_id = a.id LEFT JOIN users u ON u.id = d.decided_by \
             WHERE i.publication_id = $1 AND i.award_id = $2",
        )
        .bind(publication)
        .bind(input.award_id)
        .fetch_optional(w.conn())
        .await?
        .ok_or_else(|| Error::invalid("award_id", Msg::new("ledger-objection-not-listed").arg("award", input.award_id)))?;
        let (entity, verifiers): (i64, String) = (a.try_get(0)?, a.try_get(1)?);
        // The department that decided; an award decided otherwise goes to its first verifier.
        let department = a
            .try_get::<Option<String>, _>(2)?
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| verifiers.trim_matches(',').split(',').next().unwrap_or_default().to_string());
        let now = w.now();
        let id: i64 = sqlx::query(
            "INSERT INTO objections (publication_id, award_id, department, reason, contact, name, filed_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(publication)
        .bind(input.award_id)
        .bind(&department)
        .bind(input.reason.trim())
        .bind(input.contact.trim())
        .bind(input.name.trim())
        .bind(now)
        .fetch_one(w.conn())
        .await?
        .try_get(0)?;
        w.cover("objections", id);
        // The log names no contact: the entity concerned can read its entries.
        w.log(Entry {
            actor: "public".into(),
            action: "objection.file",
            subject: format!("award:{}", input.award_id),
            entity_id: Some(entity),
            department: Some(verifiers),
            detail: json!({"objection": id, "publication": publication, "department": department, "reason": input.reason.trim()}),
        });
        w.commit().await?;
        Ok(json!({
            "id": id, "publication_id": publication, "award_id": input.award_id, "department": department,
            "filed_at": rfc3339(now), "status": "open",
        }))
    }

    /// Objections `p` settles: a reviewer those of its department, the administrator all; open
    /// ones first, then settled ones, newest first.
    pub async fn objections(&self, p: &Principal) -> Result<Vec<J>> {
        self.objections_of(p, None).await
    }

    /// [`Store::objections`], or the one objection `only` among them.
    async fn objections_of(&self, p: &Principal, only: Option<i64>) -> Result<Vec<J>> {
        p.require(&[Role::Reviewer, Role::Admin], Msg::new("ledger-act-rule-objection"))?;
        let dept = if p.role == Role::Reviewer { p.department.clone().unwrap_or_default() } else { String::new() };
        let rows = sqlx::query(
            "SELECT o.id, o.publication_id, o.award_id, o.department, o.reason, o.contact, o.name, o.filed_at, \
             e.id, e.name, e.uscc, a.rule_id, a.clause, i.amount_fen, r.verdict, r.reason, u.username, r.ruled_at, p.ends_on \
             FROM objections o JOIN awards a ON a.id = o.award_id JOIN entities e ON e.id = a.entity_id \
             JOIN publications p ON p.id = o.publication_id JOIN publication_items i ON i.award_id = o.award_id \
             LEFT JOIN objection_rulings r ON r.objection_id = o.id LEFT JOIN users u ON u.id = r.ruled_by \
             WHERE ($1 = '' OR o.department = $1) AND ($2 = 0 OR o.id = $2) ORDER BY (CASE WHEN r.id IS NULL THEN 0 ELSE 1 END), o.id DESC",
        )
        .bind(dept)
        .bind(only.unwrap_or(0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let verdict: Option<String> = r.try_get(14)?;
                let ruling = match verdict {
                    Some(v) => json!({"verdict": v, "reason": r.try_get::<String, _>(15)?, "by": r.try_get::<String, _>(16)?, "at": rfc3339(r.try_get(17)?)}),
                    None => J::Null,
                };
                Ok(json!({
                    "id": r.try_get::<i64, _>(0)?, "publication_id": r.try_get::<i64, _>(1)?, "award_id": r.try_get::<i64, _>(2)?,
                    "department": r.try_get::<String, _>(3)?, "reason": r.try_get::<String, _>(4)?,
                    "contact": r.try_get::<String, _>(5)?, "name": r.try_get::<String, _>(6)?, "filed_at": rfc3339(r.try_get(7)?),
                    "entity": {"id": r.try_get::<i64, _>(8)?, "name": r.try_get::<String, _>(9)?, "uscc": r.try_get::<String, _>(10)?},
                    "rule": r.try_get::<String, _>(11)?, "clause": r.try_get::<String, _>(12)?, "amount": fen_text(r.try_get(13)?),
                    "period_ends_on": r.try_get::<String, _>(18)?,
                    "status": if ruling.is_null() { "open" } else { "settled" },
                    "ruling": ruling,
                }))
            })
            .collect()
    }

    /// The deciding department settles an objection. Upheld: the decision is withdrawn (its
    /// payout can no longer be paid; refused when it has been paid — reverse the payment first).
    /// Rejected: the decision stands. A reason is required either way.
    pub async fn rule_objection(&self, p: &Principal, id: i64, input: &RulingInput) -> Result<J> {
        p.require(&[Role::Reviewer], Msg::new("ledger-act-rule-objection"))?;
        let mut errs = Vec::new();
        crate::check_text("reason", &input.reason, 1000, true, &mut errs);
        if !errs.is_empty() {
            return Err(Error::Invalid(errs));
        }
        let mut w = self.writer().await?;
        let o = sqlx::query(
            "SELECT o.award_id, o.department, a.entity_id, a.verifiers, (SELECT COUNT(*) FROM objection_rulings r WHERE r.objection_id = o.id), \
             (SELECT status FROM payouts x WHERE x.award_id = o.award_id) FROM objections o JOIN awards a ON a.id = o.award_id WHERE o.id = $1",
        )
        .bind(id)
        .fetch_optional(w.conn())
        .await?
        .ok_or_else(|| Error::NotFound(Msg::new("ledger-no-objection").arg("id", id)))?;
        let (award, dept, entity, verifiers): (i64, String, i64, String) = (o.try_get(0)?, o.try_get(1)?, o.try_get(2)?, o.try_get(3)?);
        if p.department.as_deref() != Some(dept.as_str()) {
            return Err(Error::Forbidden(Msg::new("ledger-objection-other-department").arg("id", id).arg("department", dept)));
        }
        if o.try_get::<i64, _>(4)? > 0 {
            return Err(Error::Conflict(Msg::new("ledger-objection-settled").arg("id", id)));
        }
        if input.verdict == Verdict::Upheld && o.try_get::<Option<String>, _>(5)?.as_deref() == Some("paid") {
            return Err(Error::Conflict(Msg::new("ledger-objection-paid").arg("award", award)));
        }
        let now = w.now();
        let ruling: i64 = sqlx::query(
            "INSERT INTO objection_rulings (objection_id, award_id, verdict, reason, ruled_by, ruled_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(id)
        .bind(award)
        .bind(input.verdict.as_str())
        .bind(input.reason.trim())
        .bind(p.user_id)
        .bind(now)
        .fetch_one(w.conn())
        .await?
        .try_get(0)?;
        w.cover("objection_rulings", ruling);
        w.log(Entry {
            actor: p.actor(),
            action: match input.verdict {
                Verdict::Upheld => "objection.uphold",
                Verdict::Rejected => "objection.reject",
            },
            subject: format!("award:{award}"),
            entity_id: Some(entity),
            department: Some(verifiers),
            detail: json!({"objection": id, "department": dept, "reason": input.reason.trim(), "withdrawn": input.verdict == Verdict::Upheld}),
        });
        w.commit().await?;
        self.objections_of(p, Some(id)).await?.pop().ok_or_else(|| Error::NotFound(Msg::new("ledger-no-objection").arg("id", id)))
    }

    /// The 公示 of one award, for its page: the list, the period, its objections (without who
    /// filed them or how to reach them), and whether its decision was withdrawn.
    pub(crate) async fn award_publication(&self, award: i64) -> Result<J> {
        let mut conn = self.pool.acquire().await?;
        let p = sqlx::query(
            "SELECT p.id, p.title, p.starts_on, p.ends_on FROM publication_items i JOIN publications p ON p.id = i.publication_id WHERE i.award_id = $1",
        )
        .bind(award)
        .fetch_optional(&mut *conn)
        .await?;
        let objections = sqlx::query(
            "SELECT o.id, o.reason, o.filed_at, r.verdict, r.reason, r.ruled_at FROM objections o \
             LEFT JOIN objection_rulings r ON r.objection_id = o.id WHERE o.award_id = $1 ORDER BY o.id",
        )
        .bind(award)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|o| {
            Ok(json!({
                "id": o.try_get::<i64, _>(0)?, "reason": o.try_get::<String, _>(1)?, "filed_at": rfc3339(o.try_get(2)?),
                "verdict": o.try_get::<Option<String>, _>(3)?, "ruling_reason": o.try_get::<Option<String>, _>(4)?,
                "ruled_at": o.try_get::<Option<i64>, _>(5)?.map(rfc3339),
            }))
        })
        .collect::<Result<Vec<_>>>()?;
        let withdrawn =
            objections.iter().find(|o| o["verdict"] == "upheld").map(|o| json!({"reason": o["ruling_reason"], "at": o["ruled_at"]}));
        Ok(json!({
            "publication": match p {
                Some(p) => json!({"id": p.try_get::<i64, _>(0)?, "title": p.try_get::<String, _>(1)?, "starts_on": p.try_get::<String, _>(2)?, "ends_on": p.try_get::<String, _>(3)?}),
                None => J::Null,
            },
            "objections": objections,
            "withdrawn": withdrawn,
        }))
    }
}

/// Whether `p` publishes lists: the admin, and reviewers of the pack's publishing department.
pub fn publishes(pack: &Pack, p: &Principal) -> bool {
    p.role == Role::Admin
        || (p.role == Role::Reviewer
            && pack.publication.publisher.is_some_and(|i| Some(pack.department(i).id.as_str()) == p.department.as_deref()))
}

/// A list's heading as [`head_json`] reads it (the caller adds its condition and order).
const HEAD_SELECT: &str = "SELECT p.id, p.title, p.claim_year, p.published_on, p.starts_on, p.ends_on, p.working_days, \
     (SELECT COUNT(*) FROM publication_items i WHERE i.publication_id = p.id), \
     (SELECT CAST(COALESCE(SUM(i.amount_fen), 0) AS BIGINT) FROM publication_items i WHERE i.publication_id = p.id) \
     FROM publications p";

/// A list's heading: its title, period, size, total, and whether objections are still accepted.
fn head_json(pack: &Pack, r: &sqlx::any::AnyRow, today: Date) -> Result<J> {
    let (starts, ends): (String, String) = (r.try_get(4)?, r.try_get(5)?);
    let end = Date::parse(&ends).ok();
    // Whether the calendar had the holidays of every year the period touches.
    let years: BTreeSet<i32> = [Date::parse(&starts).ok(), end].into_iter().flatten().map(|d| d.year).collect();
    let unknown: Vec<i32> = years.into_iter().filter(|y| !pack.publication.knows_year(*y)).collect();
    Ok(json!({
        "id": r.try_get::<i64, _>(0)?, "title": r.try_get::<String, _>(1)?, "claim_year": r.try_get::<Option<i64>, _>(2)?,
        "published_on": r.try_get::<String, _>(3)?, "starts_on": starts, "ends_on": ends, "working_days": r.try_get::<i64, _>(6)?,
        "awards": r.try_get::<i64, _>(7)?, "total": fen_text(r.try_get(8)?),
        "open": end.is_some_and(|e| today <= e),
        // Years of the period whose holidays the pack does not list (only weekends were skipped).
        "holidays_unknown_for": unknown,
    }))
}

/// Holds for payouts being paid in `w`'s transaction: the first refusal, if any.
/// (Each payout's award read on its own: a payment names a few payouts of a ledger of many.)
pub(crate) async fn payment_refusal(w: &mut Writer, pack: &Pack, payouts: &[(i64, i64)]) -> Result<Option<Msg>> {
    let today = crate::cst_date(w.now());
    for (payout, award) in payouts {
        if let Some(h) = Standing::load(w.conn(), Some(*award)).await?.hold(pack, *award, today) {
            return Ok(Some(h.msg(*payout)));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::{Date, Hold, Standing};

    fn pack() -> qiangke_rules::Pack {
        qiangke_rules::load_pack(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022")).expect("pack")
    }

    fn d(s: &str) -> Date {
        Date::parse(s).expect("date")
    }

    #[test]
    fn what_holds_a_payout() {
        let mut pack = pack();
        let mut s = Standing::default();
        // Not published: held where the pack requires 公示, free where it is turned off.
        assert_eq!(s.hold(&pack, 1, d("2026-12-01")), Some(Hold::NotPublished));
        pack.publication.required = false;
        assert_eq!(s.hold(&pack, 1, d("2026-12-01")), None);
        pack.publication.required = true;
        // Published until 7 December: held on the last day of the period, free the day after.
        s.ends.insert(1, d("2026-12-07"));
        assert_eq!(s.hold(&pack, 1, d("2026-12-07")), Some(Hold::InPeriod(d("2026-12-07"))));
        assert_eq!(s.hold(&pack, 1, d("2026-12-08")), None);
        // An open objection holds it after the period too; a withdrawal comes before everything.
        s.open.insert(1, 9);
        assert_eq!(s.hold(&pack, 1, d("2026-12-08")), Some(Hold::ObjectionOpen(9)));
        s.withdrawn.insert(1);
        assert_eq!(s.hold(&pack, 1, d("2026-12-08")), Some(Hold::Withdrawn));
        // Turned off, an objection filed on a list published anyway still holds it.
        pack.publication.required = false;
        s.withdrawn.clear();
        assert_eq!(s.hold(&pack, 1, d("2026-12-08")), Some(Hold::ObjectionOpen(9)));
        assert_eq!(
            Hold::InPeriod(d("2026-12-07")).msg(3).to_string(),
            "payout 3 cannot be paid before its publication period ends on 2026-12-07"
        );
    }

    #[test]
    fn china_standard_time_decides_the_day() {
        // 2026-12-07T16:00Z is already 8 December in Beijing.
        assert_eq!(crate::cst_date(crate::parse_rfc3339("2026-12-07T15:59:59.999Z").expect("t")), d("2026-12-07"));
        assert_eq!(crate::cst_date(crate::parse_rfc3339("2026-12-07T16:00:00.000Z").expect("t")), d("2026-12-08"));
    }
}
