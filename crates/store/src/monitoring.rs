//! Plan monitoring in the ledger: indicator observations and task progress updates, recorded with
//! who entered them, and read back for progress reports.
//!
//! Both arrive as the CSV that `qiangke report` reads and are validated by `qiangke-monitor`'s
//! importers, so a file refused on the command line is refused here with the same messages, and
//! nothing of a refused file is kept. Who may record: an admin anything; a department reviewer
//! observations (its department's statistics) and updates in its own name; a county official
//! observations of its own county and updates as 各县区政府. Every signed-in user may read them.

use crate::audit::Entry;
use crate::auth::{Principal, Role};
use crate::{Error, FieldError, Msg, Result, Store, now_ms};
use qiangke_monitor::observation::{ObsError, export_observations};
use qiangke_monitor::tasks::{Update, export_updates, import_updates};
use qiangke_monitor::{Observation, Scope, import_observations};
use qiangke_rules::Pack;
use qiangke_rules::value::Date;
use serde_json::json;
use sqlx::Row;
use std::collections::HashMap;

fn obs_errors(errs: Vec<ObsError>) -> Error {
    Error::Invalid(errs.into_iter().map(|e| FieldError::new(format!("line {}, column {}", e.line, e.field), e.message)).collect())
}

impl Store {
    /// Records indicator observations from CSV (`indicator,scope,year,value,unit,source,entered_by`).
    pub async fn record_observations(&self, pack: &Pack, p: &Principal, csv: &str) -> Result<serde_json::Value> {
        p.require(&[Role::Admin, Role::Reviewer, Role::County], Msg::new("ledger-act-record-observations"))?;
        let obs = import_observations(pack, csv).map_err(obs_errors)?;
        if obs.is_empty() {
            return Err(Error::invalid("body", Msg::new("ledger-no-observations")));
        }
        if p.role == Role::County {
            let mine = p.county.clone().unwrap_or_default();
            let foreign: Vec<Msg> = obs
                .iter()
                .enumerate()
                .filter(|(_, o)| o.scope.name(pack) != mine)
                .map(|(i, o)| Msg::new("ledger-row-outside-county").arg("row", i + 2).arg("scope", o.scope.name(pack)).arg("county", &mine))
                .collect();
            if let Some(m) = crate::chain(foreign) {
                return Err(Error::Forbidden(m));
            }
        }
        let mut w = self.writer().await?;
        let now = now_ms();
        for o in &obs {
            sqlx::query("INSERT INTO observations (indicator, scope, year, value, source, reported_by, entered_by, entered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(pack.plan.indicators[o.indicator].id.clone())
                .bind(o.scope.name(pack))
                .bind(i64::from(o.year))
                .bind(o.value.normalize().to_string())
                .bind(o.source.clone())
                .bind(o.entered_by.clone())
                .bind(p.user_id)
                .bind(now)
                .execute(w.conn())
                .await?;
        }
        w.log(Entry {
            actor: p.actor(),
            action: "observations.record",
            subject: "observations".into(),
            entity_id: None,
            department: p.department.clone(),
            detail: json!({"rows": obs.len(), "indicators": obs.iter().map(|o| pack.plan.indicators[o.indicator].id.as_str()).collect::<std::collections::BTreeSet<_>>()}),
        });
        w.commit().await?;
        Ok(json!({"recorded": obs.len()}))
    }

    /// The observations in force: the newest of each indicator, scope and year.
    pub async fn observations(&self, pack: &Pack) -> Result<Vec<Observation>> {
        let rows = sqlx::query("SELECT indicator, scope, year, value, source, reported_by FROM observations ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        let mut latest: HashMap<(String, String, i64), usize> = HashMap::new();
        let mut out: Vec<Observation> = Vec::new();
        let counties = &pack.enums[pack.county_enum as usize];
        for r in rows {
            let (ind, scope, year): (String, String, i64) = (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
            let Some(indicator) = pack.plan.indicators.iter().position(|i| i.id == ind) else { continue };
            let sc = if scope == "city" {
                Scope::City
            } else {
                match counties.lookup(&scope) {
                    Some(c) => Scope::County(c),
                    None => continue,
                }
            };
            let value: String = r.try_get(3)?;
            let Ok(value) = value.parse() else { continue };
            let o = Observation { indicator, scope: sc, year: year as i32, value, source: r.try_get(4)?, entered_by: r.try_get(5)? };
            match latest.get(&(ind.clone(), scope.clone(), year)) {
                Some(&i) => out[i] = o,
                None => {
                    latest.insert((ind, scope, year), out.len());
                    out.push(o);
                }
            }
        }
        Ok(out)
    }

    /// The observations in force as the import CSV, as far as `p` may read the rows themselves
    /// (they name the officials who reported them; the aggregates on the dashboard and in the
    /// report are public): the admin all of them, a county official its county's, a reviewer
    /// those its department entered.
    pub async fn observations_csv(&self, pack: &Pack, p: &Principal) -> Result<String> {
        p.require(&[Role::Admin, Role::County, Role::Reviewer], Msg::new("ledger-act-read-observations"))?;
        let mine: std::collections::HashSet<(String, String, i64)> = match p.role {
            Role::Admin => Default::default(),
            _ => sqlx::query("SELECT o.indicator, o.scope, o.year FROM observations o JOIN users u ON u.id = o.entered_by WHERE u.department = $1 OR o.scope = $2")
                .bind(if p.role == Role::Reviewer { p.department.clone().unwrap_or_default() } else { "\u{1}".into() })
                .bind(if p.role == Role::County { p.county.clone().unwrap_or_default() } else { "\u{1}".into() })
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
                .collect::<Result<_>>()?,
        };
        let mut all = self.observations(pack).await?;
        if p.role != Role::Admin {
            all.retain(|o| mine.contains(&(pack.plan.indicators[o.indicator].id.clone(), o.scope.name(pack), i64::from(o.year))));
        }
        Ok(export_observations(pack, &all))
    }

    /// Records task progress updates from CSV (`task,date,unit,text,value`). A reviewer's rows
    /// are in its department's name (an empty unit becomes it; another unit is refused).
    pub async fn record_task_updates(&self, pack: &Pack, p: &Principal, csv: &str) -> Result<serde_json::Value> {
        p.require(&[Role::Admin, Role::Reviewer, Role::County], Msg::new("ledger-act-record-task-progress"))?;
        let mut ups = import_updates(pack, csv).map_err(|errs| {
            Error::Invalid(errs.into_iter().map(|e| FieldError::new(format!("line {}, column {}", e.line, e.field), e.message)).collect())
        })?;
        if ups.is_empty() {
            return Err(Error::invalid("body", Msg::new("ledger-no-updates")));
        }
        let own = match p.role {
            Role::Reviewer => p.department.clone(),
            Role::County => Some("county-governments".to_string()),
            _ => None,
        };
        if let Some(own) = own {
            let own_ix = pack.departments.iter().position(|d| d.id == own);
            for (i, u) in ups.iter_mut().enumerate() {
                match u.unit {
                    None => u.unit = own_ix,
                    Some(x) if Some(x) == own_ix => {}
                    Some(x) => {
                        return Err(Error::Forbidden(
                            Msg::new("ledger-report-for-own-department")
                                .arg("row", i + 2)
                                .arg("own", &own)
                                .arg("other", &pack.departments[x].id),
                        ));
                    }
                }
            }
        }
        let mut w = self.writer().await?;
        let now = now_ms();
        for u in &ups {
            sqlx::query(
                "INSERT INTO task_updates (task, date, unit, text, value, entered_by, entered_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(pack.plan.tasks[u.task].id.clone())
            .bind(u.date.to_string())
            .bind(u.unit.map(|d| pack.departments[d].id.clone()))
            .bind(u.text.clone())
            .bind(u.value.map(|v| v.normalize().to_string()))
            .bind(p.user_id)
            .bind(now)
            .execute(w.conn())
            .await?;
        }
        w.log(Entry {
            actor: p.actor(),
            action: "tasks.update",
            subject: "task_updates".into(),
            entity_id: None,
            department: p.department.clone(),
            detail: json!({"rows": ups.len(), "tasks": ups.iter().map(|u| pack.plan.tasks[u.task].id.as_str()).collect::<std::collections::BTreeSet<_>>()}),
        });
        w.commit().await?;
        Ok(json!({"recorded": ups.len()}))
    }

    /// Every task update, in the order entered.
    pub async fn task_updates(&self, pack: &Pack) -> Result<Vec<Update>> {
        let rows = sqlx::query("SELECT task, date, unit, text, value FROM task_updates ORDER BY id").fetch_all(&self.pool).await?;
        let mut out = Vec::new();
        for r in rows {
            let task: String = r.try_get(0)?;
            let Some(task) = pack.plan.tasks.iter().position(|t| t.id == task) else { continue };
            let Ok(date) = Date::parse(&r.try_get::<String, _>(1)?) else { continue };
            let unit = r.try_get::<Option<String>, _>(2)?.and_then(|u| pack.departments.iter().position(|d| d.id == u));
            let value = r.try_get::<Option<String>, _>(4)?.and_then(|v| v.parse().ok());
            out.push(Update { task, date, unit, text: r.try_get(3)?, value });
        }
        Ok(out)
    }

    /// Task updates as the import CSV, as far as `p` may read them: the admin all, a reviewer its
    /// department's, a county official those of the county governments.
    pub async fn task_updates_csv(&self, pack: &Pack, p: &Principal) -> Result<String> {
        p.require(&[Role::Admin, Role::County, Role::Reviewer], Msg::new("ledger-act-read-task-updates"))?;
        let unit = match p.role {
            Role::Reviewer => p.department.clone(),
            Role::County => Some("county-governments".to_string()),
            _ => None,
        };
        let mut all = self.task_updates(pack).await?;
        if let Some(unit) = unit {
            let ix = pack.departments.iter().position(|d| d.id == unit);
            all.retain(|u| u.unit.is_some() && u.unit == ix);
        }
        Ok(export_updates(pack, &all))
    }

    /// Awards in the ledger (not rejected) per rule and claim year, to show beside the indicators
    /// the rules serve.
    pub async fn award_counts(&self) -> Result<HashMap<(String, i32), u64>> {
        let rows = sqlx::query("SELECT rule_id, claim_year, COUNT(*) FROM awards WHERE status <> 'rejected' GROUP BY rule_id, claim_year")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(((r.try_get(0)?, r.try_get::<i64, _>(1)? as i32), r.try_get::<i64, _>(2)? as u64))).collect()
    }
}
