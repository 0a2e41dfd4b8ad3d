//! `qiangke`: the command-line shell over `qiangke-rules`. Argument parsing, rendering and exit
//! codes only; every computation is a library call.
//!
//! Exit codes: 0 success; 1 the input is wrong (pack diagnostics, invalid facts, failing cases);
//! 2 usage errors (from clap).

/// mimalloc: the calculator's responses are trees of many small allocations, and the system
/// allocator spent about half the server's time in malloc and free (BENCHMARKS.md).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod engine;
mod service;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use qiangke_rules::{Lang, Options, cases, evaluate, explain, load_facts, load_pack};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Writes to standard output; a closed pipe (`qiangke … | head`) ends the program quietly
/// instead of panicking.
/// `--lang zh-hant`: standard output is written in Simplified and converted to Traditional as it
/// is printed (qiangke_rules::script), so there is one text to keep.
static HANT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The language chosen with `--lang` (messages, explanations, reports).
static LANG: std::sync::OnceLock<Lang> = std::sync::OnceLock::new();

fn lang() -> Lang {
    LANG.get().copied().unwrap_or_default()
}

/// A message of the catalogue in the chosen language.
fn say(id: &'static str, args: &[(&str, &str)]) -> String {
    qiangke_i18n::text(lang(), id, args)
}

/// Like `say`, with argument values built on the spot (counts, paths, timings).
fn say_with(id: &'static str, args: &[(&str, String)]) -> String {
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    say(id, &args)
}

/// In the chosen script: Traditional is the Simplified text converted as it is printed.
fn in_script(text: String) -> String {
    if HANT.load(std::sync::atomic::Ordering::Relaxed) { qiangke_rules::script::to_traditional(&text) } else { text }
}

/// Writes a line to standard error in the chosen script (Traditional converted like `out!`).
macro_rules! errln {
    ($($t:tt)*) => {{
        eprintln!("{}", in_script(format!($($t)*)));
    }};
}

/// Like `errln!`, without the line break.
macro_rules! err {
    ($($t:tt)*) => {{
        eprint!("{}", in_script(format!($($t)*)));
    }};
}

macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let text = in_script(format!($($t)*));
        if let Err(e) = std::io::stdout().lock().write_all(text.as_bytes()) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
        }
    }};
}

macro_rules! outln {
    ($($t:tt)*) => {{
        out!($($t)*);
        out!("\n");
    }};
}

#[derive(Parser, Debug)]
#[command(name = "qiangke", version, about = "Exact, explained rewards from science-and-technology incentive plans")]
struct Cli {
    /// The language of the output and of every message: zh-hans (the default), zh-hant or en.
    #[arg(long, value_enum, global = true, default_value_t = LangArg::Zh)]
    lang: LangArg,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Check a pack and print compiler-style diagnostics.
    Check {
        pack: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Evaluate one entity's facts (JSON or TOML) against a pack.
    Eval {
        pack: PathBuf,
        facts: PathBuf,
        /// Claim year to report (repeatable); default: every year the facts mention.
        #[arg(long = "year")]
        years: Vec<i32>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Leave out the step-by-step derivation.
        #[arg(long)]
        no_trace: bool,
    },
    /// Where one enterprise stands on a ladder of recognitions (a ladder file naming criteria
    /// packs and the plan that pays): each recognition held, within reach or out of reach, what
    /// is missing, and what the plan would pay for it.
    Ladder {
        ladder: PathBuf,
        facts: PathBuf,
        /// The year of the assessment (the application year).
        #[arg(long, value_parser = clap::value_parser!(i32).range(1..=9998))]
        year: i32,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the clause register: how the pack accounts for every item of 四 and every money figure.
    Coverage { pack: PathBuf },
    /// Print the interpretation register: every ambiguity of the source and the pack's choice.
    Notes { pack: PathBuf },
    /// Print the plan's indicators, targets, tasks and boxes as JSON.
    Plan { pack: PathBuf },
    /// Evaluate a whole population (CSV or JSON Lines, one row per entity-year) on every core.
    Batch {
        pack: PathBuf,
        #[arg(long)]
        input: PathBuf,
        /// Award rows (CSV): entity, claim year, rule, clause, kind, state, low, high, budget year,
        /// payer; `.xlsx`: the same as a workbook with Chinese headers and the rule's and payer's names.
        #[arg(long)]
        out: PathBuf,
        /// Claim year to report (repeatable); default: every year in the input.
        #[arg(long = "year")]
        years: Vec<i32>,
        /// Per-entity totals by budget year (CSV, or `.xlsx` with Chinese headers).
        #[arg(long)]
        totals: Option<PathBuf>,
        /// Bad rows with line, column and reason (CSV); default: OUT with `.errors.csv`.
        #[arg(long)]
        errors: Option<PathBuf>,
        /// Budget by year × paying department × clause (`.csv`, `.json` or `.xlsx`).
        #[arg(long)]
        budget: Option<PathBuf>,
        /// Rename input columns to facts: a TOML file with `[columns] "header" = "fact"`.
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Any bad row makes the run fail, and no result file is written.
        #[arg(long)]
        strict: bool,
        /// Start every CSV written with a byte-order mark, so that Excel opens it as UTF-8.
        #[arg(long)]
        bom: bool,
        /// The sheet of an `.xlsx` input (default: the first).
        #[arg(long)]
        sheet: Option<String>,
        /// Worker threads (default: one per core).
        #[arg(long, default_value_t = 0)]
        jobs: usize,
        /// Where the rules run: here (compiled, or `interpreter`, the reference), or compiled to
        /// SQL inside PostgreSQL (CSV input) or Spark (CSV or Parquet, by path or URI); award
        /// rows and the CSV budget only.
        #[arg(long, value_enum, default_value_t = EngineArg::Native)]
        engine: EngineArg,
        /// PostgreSQL connection string for `--engine postgres` (as psql takes it).
        #[arg(long)]
        database_url: Option<String>,
        /// Spark master for `--engine spark` (`local[*]`, `spark://host:7077`, `yarn`, …).
        #[arg(long, default_value = "local[*]")]
        master: String,
        /// A Python with pyspark, for `--engine spark`.
        #[arg(long, default_value = "python3")]
        python: PathBuf,
    },
    /// What would the budget be under a reform (or a sweep of reforms)? Baseline vs variants.
    Whatif {
        pack: PathBuf,
        #[arg(long)]
        input: PathBuf,
        /// Reform files (TOML: [[rule]], [[tier]], [[sweep]]); each gives one or more variants.
        #[arg(long = "reform", required = true)]
        reforms: Vec<PathBuf>,
        #[arg(long = "year")]
        years: Vec<i32>,
        /// The differences as CSV, or `.xlsx` with Chinese headers.
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long, default_value_t = 0)]
        jobs: usize,
    },
    /// The plan's monitoring report for a year: indicators, county assessment, tasks (HTML, CSV, JSON).
    Report {
        pack: PathBuf,
        #[arg(long)]
        year: i32,
        /// Indicator observations (CSV: indicator,scope,year,value,unit,source,entered_by).
        #[arg(long, required_unless_present_any = ["data_dir", "database_url"])]
        observations: Option<PathBuf>,
        /// Read observations, task updates and awards from the ledger under this folder (SQLite)
        /// instead of files.
        #[arg(long, conflicts_with_all = ["observations", "updates"])]
        data_dir: Option<PathBuf>,
        /// … or from a PostgreSQL ledger.
        #[arg(long, conflicts_with_all = ["observations", "updates", "data_dir"])]
        database_url: Option<String>,
        /// Task progress updates (CSV: task,date,unit,text,value).
        #[arg(long)]
        updates: Option<PathBuf>,
        /// A batch run's award table, to show awards of linked rules beside each indicator.
        #[arg(long)]
        awards: Option<PathBuf>,
        /// Folder for report.html, progress.csv and report.json.
        #[arg(long, default_value = "report")]
        out_dir: PathBuf,
    },
    /// Compile the pack's rules to SQL over the flat facts table (`facts`), one row per award.
    Sql {
        pack: PathBuf,
        #[arg(long, value_enum, default_value_t = DialectArg::Postgres)]
        dialect: DialectArg,
        /// Return the budget roll-up (budget year × paying department × clause) instead of awards.
        #[arg(long)]
        budget: bool,
        /// The table has one row per entity and year, every row of an entity repeating the same
        /// attribute cells (PostgreSQL): the query does not merge rows, which is faster. Rows that
        /// are not so give wrong awards; `qiangke batch --engine postgres` checks its input and
        /// chooses by itself.
        #[arg(long)]
        entity_years: bool,
    },
    /// Write a template for a population upload (`.csv` or `.xlsx`): the facts' Chinese names as
    /// headers, one example row, and in a workbook a sheet explaining every column.
    Template {
        pack: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Write a synthetic population (labelled synthetic) with values on every threshold.
    Synth {
        pack: PathBuf,
        #[arg(long)]
        rows: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Serve the calculator and the award ledger API (SQLite under --data-dir by default).
    Serve {
        #[arg(long, default_value = "packs/wuwei-2022")]
        pack: PathBuf,
        /// Folder of the embedded SQLite ledger (created on first start).
        #[arg(long, default_value = "qiangke-data")]
        data_dir: PathBuf,
        /// Use PostgreSQL instead: postgres://user@host:port/db
        #[arg(long)]
        database_url: Option<String>,
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Mark the session cookie Secure (when served over HTTPS).
        #[arg(long)]
        secure_cookies: bool,
        /// The audit key file (created on first start; default DATA_DIR/audit.key). Keep a copy
        /// away from the database: see SECURITY.md.
        #[arg(long)]
        audit_key: Option<PathBuf>,
        /// The ladder of recognitions the /ladder page assesses.
        #[arg(long, default_value = "ladders/wuwei.toml")]
        ladder: PathBuf,
    },
    /// Indicator observations and task updates in the ledger: import (all rows or none, as a
    /// named user) and export, as the CSV `qiangke report` reads.
    Monitor {
        #[command(subcommand)]
        cmd: MonitorCmd,
    },
    /// The ledger's audit log.
    Audit {
        #[command(subcommand)]
        cmd: AuditCmd,
    },
    /// Run the pack's own test cases (cases/*.toml).
    Test {
        pack: PathBuf,
        /// Print every case, not only failures.
        #[arg(long, short)]
        verbose: bool,
    },
}

#[derive(clap::Args, Debug)]
struct LedgerArgs {
    #[arg(long, default_value = "packs/wuwei-2022")]
    pack: PathBuf,
    #[arg(long, default_value = "qiangke-data")]
    data_dir: PathBuf,
    #[arg(long)]
    database_url: Option<String>,
    /// The audit key file the ledger's entries are keyed with (default DATA_DIR/audit.key).
    #[arg(long)]
    audit_key: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum MonitorCmd {
    /// Record observations (indicator,scope,year,value,unit,source,entered_by) as a user.
    ImportObservations {
        file: PathBuf,
        /// The ledger user entering them (its role and scope apply).
        #[arg(long = "as")]
        user: String,
        #[command(flatten)]
        ledger: LedgerArgs,
    },
    /// Record task updates (task,date,unit,text,value) as a user.
    ImportUpdates {
        file: PathBuf,
        #[arg(long = "as")]
        user: String,
        #[command(flatten)]
        ledger: LedgerArgs,
    },
    /// The observations in force, as CSV (to --out or standard output).
    ExportObservations {
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        ledger: LedgerArgs,
    },
    /// Every task update, as CSV.
    ExportUpdates {
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        ledger: LedgerArgs,
    },
}

#[derive(Subcommand, Debug)]
enum AuditCmd {
    /// Recompute every entry's hash (keyed with the audit key), the chain, the awards, decisions
    /// and payouts the entries cover, and each checkpoint given; exit 1 on any break. Reads the
    /// ledger only (a read-only copy is fine).
    Verify {
        #[arg(long, default_value = "qiangke-data")]
        data_dir: PathBuf,
        #[arg(long)]
        database_url: Option<String>,
        /// The audit key file (default DATA_DIR/audit.key).
        #[arg(long)]
        audit_key: Option<PathBuf>,
        /// A checkpoint kept earlier (`qiangke audit checkpoint`); may be repeated.
        #[arg(long)]
        checkpoint: Vec<PathBuf>,
    },
    /// The head of the chain now, signed with the audit key, as JSON for an auditor to keep.
    Checkpoint {
        #[arg(long, default_value = "qiangke-data")]
        data_dir: PathBuf,
        #[arg(long)]
        database_url: Option<String>,
        #[arg(long)]
        audit_key: Option<PathBuf>,
        /// Write it here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
enum Format {
    Text,
    Json,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum EngineArg {
    /// Here, with the pack compiled for population runs (the default).
    Native,
    /// Here, with the interpreter: the reference the compiled form is held equal to.
    Interpreter,
    Postgres,
    Spark,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum DialectArg {
    Postgres,
    Spark,
}

/// The language of the output: Simplified Chinese (the default), Traditional Chinese or English.
#[derive(Copy, Clone, Debug, ValueEnum)]
enum LangArg {
    #[value(name = "zh-hans", alias = "zh", alias = "zh-Hans")]
    Zh,
    #[value(name = "zh-hant", alias = "zh-Hant")]
    ZhHant,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Zh | LangArg::ZhHant => Lang::Zh,
            LangArg::En => Lang::En,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            errln!("{}", say("cli-error", &[("detail", &format!("{e:#}"))]));
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    // Traditional is Simplified converted as it is printed (see `HANT`).
    if let LangArg::ZhHant = cli.lang {
        HANT.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    let _ = LANG.set(cli.lang.into());
    let lang = lang();
    match cli.cmd {
        Cmd::Check { pack, format } => check(&pack, format),
        Cmd::Eval { pack, facts, years, format, no_trace } => eval(&pack, &facts, years, format, lang, !no_trace),
        Cmd::Test { pack, verbose } => test(&pack, verbose),
        Cmd::Ladder { ladder: l, facts, year, format } => ladder(&l, &facts, year, format, lang),
        Cmd::Coverage { pack } => coverage(&pack, lang),
        Cmd::Notes { pack } => notes(&pack, lang),
        Cmd::Plan { pack } => plan(&pack),
        Cmd::Batch {
            pack,
            input,
            out,
            years,
            totals,
            errors,
            budget,
            mapping,
            strict,
            bom,
            sheet,
            jobs,
            engine,
            database_url,
            master,
            python,
        } => {
            if matches!(engine, EngineArg::Native | EngineArg::Interpreter) {
                if database_url.is_some() {
                    anyhow::bail!(say("cli-database-url-postgres", &[]));
                }
                let evaluator = if engine == EngineArg::Interpreter {
                    qiangke_batch::Evaluator::Interpreter
                } else {
                    qiangke_batch::Evaluator::Compiled
                };
                batch(&pack, &input, out, years, totals, errors, budget, mapping, BatchFlags { strict, bom, sheet, evaluator }, jobs)
            } else {
                let unsupported = [
                    (!years.is_empty(), "--year"),
                    (totals.is_some(), "--totals"),
                    (errors.is_some(), "--errors"),
                    (mapping.is_some(), "--mapping"),
                    (jobs != 0, "--jobs"),
                    (bom, "--bom"),
                    (sheet.is_some(), "--sheet"),
                ];
                if let Some((_, flag)) = unsupported.iter().find(|(set, _)| *set) {
                    anyhow::bail!(say("cli-native-only", &[("flag", flag)]));
                }
                let engine = match engine {
                    EngineArg::Postgres => {
                        engine::Engine::Postgres { url: database_url.with_context(|| say("cli-postgres-needs-url", &[]))? }
                    }
                    _ => engine::Engine::Spark { master, python },
                };
                engine_batch(&pack, &input, &out, budget.as_deref(), &engine)
            }
        }
        Cmd::Synth { pack, rows, seed, out } => synth(&pack, rows, seed, &out),
        Cmd::Template { pack, out } => template(&pack, &out),
        Cmd::Sql { pack, dialect, budget, entity_years } => sql(&pack, dialect, budget, entity_years),
        Cmd::Report { pack, year, observations, updates, awards, out_dir, data_dir, database_url } => match observations {
            Some(obs) => report(&pack, year, &obs, updates.as_deref(), awards.as_deref(), &out_dir),
            None => service::report_from_ledger(&pack, year, data_dir.as_deref(), database_url.as_deref(), awards.as_deref(), &out_dir),
        },
        Cmd::Whatif { pack, input, reforms, years, out, jobs } => whatif(&pack, &input, &reforms, &years, out.as_deref(), jobs),
        Cmd::Serve { pack, data_dir, database_url, listen, secure_cookies, audit_key, ladder } => {
            service::serve(&pack, &data_dir, database_url.as_deref(), &listen, secure_cookies, audit_key.as_deref(), &ladder)
        }
        Cmd::Audit { cmd: AuditCmd::Verify { data_dir, database_url, audit_key, checkpoint } } => {
            service::audit_verify(&data_dir, database_url.as_deref(), audit_key.as_deref(), &checkpoint)
        }
        Cmd::Audit { cmd: AuditCmd::Checkpoint { data_dir, database_url, audit_key, out } } => {
            service::audit_checkpoint(&data_dir, database_url.as_deref(), audit_key.as_deref(), out.as_deref())
        }
        Cmd::Monitor { cmd } => {
            use service::MonitorAction as A;
            let (action, file, user, l) = match cmd {
                MonitorCmd::ImportObservations { file, user, ledger } => (A::ImportObservations, Some(file), Some(user), ledger),
                MonitorCmd::ImportUpdates { file, user, ledger } => (A::ImportUpdates, Some(file), Some(user), ledger),
                MonitorCmd::ExportObservations { out, ledger } => (A::ExportObservations, out, None, ledger),
                MonitorCmd::ExportUpdates { out, ledger } => (A::ExportUpdates, out, None, ledger),
            };
            service::monitor(
                &l.pack,
                action,
                file.as_deref(),
                user.as_deref(),
                &l.data_dir,
                l.database_url.as_deref(),
                l.audit_key.as_deref(),
            )
        }
    }
}

fn check(dir: &Path, format: Format) -> Result<ExitCode> {
    match load_pack(dir) {
        Ok(p) => {
            // Every file of the pack, not only those the rules need: the county assessment's
            // weights (read by reports) and the cases (read by `qiangke test`).
            let mut other = Vec::new();
            if let Err(e) = qiangke_monitor::assess::Weights::from_pack_dir(&p, dir) {
                other.push(e.render(lang()));
            }
            if let Err(e) = qiangke_rules::cases::load_cases(&p, dir) {
                other.push(e.render_in(lang()));
            }
            if !other.is_empty() {
                if format == Format::Json {
                    outln!("{}", serde_json::json!({"ok": false, "diagnostics": [], "errors": other}));
                } else {
                    for e in &other {
                        errln!("{}", say("cli-error", &[("detail", e)]));
                    }
                    errln!("\n{}", errors_in(other.len(), dir));
                }
                return Ok(ExitCode::from(1));
            }
            if format == Format::Json {
                outln!("{}", serde_json::json!({"ok": true, "pack": p.id, "hash": p.hash, "rules": p.rules.len(), "diagnostics": []}));
            } else {
                let n = |x: usize| x.to_string();
                outln!(
                    "{}",
                    say(
                        "cli-check-ok",
                        &[
                            ("pack", &p.id),
                            ("version", &p.version),
                            ("rules", &n(p.rules.len())),
                            ("derives", &n(p.derives.len())),
                            ("tiers", &n(p.tiers.len())),
                            ("notes", &n(p.notes.len())),
                            ("hash", &p.hash[..16]),
                        ]
                    )
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(report) => {
            if format == Format::Json {
                outln!("{}", serde_json::json!({"ok": false, "diagnostics": report.to_json_in(lang())}));
            } else {
                err!("{}", report.render_in(lang()));
                errln!("\n{}", errors_in(report.diagnostics.len(), dir));
            }
            Ok(ExitCode::from(1))
        }
    }
}

/// "3 errors in packs/x" in the chosen language.
fn errors_in(n: usize, dir: &Path) -> String {
    let id = if n == 1 { "cli-errors-in-one" } else { "cli-errors-in" };
    say(id, &[("n", &n.to_string()), ("path", &dir.display().to_string())])
}

fn eval(dir: &Path, facts_path: &Path, years: Vec<i32>, format: Format, lang: Lang, trace: bool) -> Result<ExitCode> {
    let pack = match load_pack(dir) {
        Ok(p) => p,
        Err(report) => {
            err!("{}", report.render_in(lang));
            errln!("\n{}", say("cli-pack-has-errors", &[("path", &dir.display().to_string())]));
            return Ok(ExitCode::from(1));
        }
    };
    let path = facts_path.display().to_string();
    let Some(text) = read_facts_text(facts_path, lang)? else { return Ok(ExitCode::from(1)) };
    let facts = match load_facts(&pack, &path, &text) {
        Ok(f) => f,
        Err(report) => {
            err!("{}", report.render_in(lang));
            errln!("\n{}", say("cli-nothing-evaluated", &[]));
            return Ok(ExitCode::from(1));
        }
    };
    let ev = evaluate(&pack, &facts, &Options { years, trace, ..Options::default() });
    match format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(&explain::to_json(&ev))?),
        Format::Text => out!("{}", explain::to_text(&ev, lang)),
    }
    Ok(ExitCode::SUCCESS)
}

/// A facts file's text; `None` after saying why it is neither UTF-8 nor GB18030. A facts file
/// saved by Excel or Notepad on Chinese Windows may be GBK.
fn read_facts_text(path: &Path, lang: Lang) -> Result<Option<String>> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).with_context(|| say("cli-cannot-read", &[("path", &name)]))?;
    match qiangke_rules::textfile::decode(&bytes) {
        Ok(t) => Ok(Some(t.into_owned())),
        Err(e) => {
            errln!("{}", say("cli-error", &[("detail", &format!("{name}: {}", e.render(lang)))]));
            Ok(None)
        }
    }
}

fn ladder(path: &Path, facts_path: &Path, year: i32, format: Format, lang: Lang) -> Result<ExitCode> {
    let ladder = match qiangke_rules::ladder::load_ladder(path, lang) {
        Ok(l) => l,
        Err(m) => {
            errln!("{}", say("cli-error", &[("detail", &m.render(lang))]));
            return Ok(ExitCode::from(1));
        }
    };
    let name = facts_path.display().to_string();
    let Some(text) = read_facts_text(facts_path, lang)? else { return Ok(ExitCode::from(1)) };
    let result = match qiangke_rules::ladder::assess(&ladder, &name, &text, year) {
        Ok(r) => r,
        Err(report) => {
            err!("{}", report.render_in(lang));
            errln!("\n{}", say("cli-nothing-evaluated", &[]));
            return Ok(ExitCode::from(1));
        }
    };
    match format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(&qiangke_rules::ladder::to_json(&result))?),
        Format::Text => out!("{}", qiangke_rules::ladder::to_text(&result, lang)),
    }
    Ok(ExitCode::SUCCESS)
}

fn test(dir: &Path, verbose: bool) -> Result<ExitCode> {
    let pack = match load_pack(dir) {
        Ok(p) => p,
        Err(report) => {
            err!("{}", report.render_in(lang()));
            return Ok(ExitCode::from(1));
        }
    };
    let all = match cases::load_cases(&pack, dir) {
        Ok(c) => c,
        Err(report) => {
            err!("{}", report.render_in(lang()));
            return Ok(ExitCode::from(1));
        }
    };
    let tty = std::io::stderr().is_terminal();
    let (mut passed, mut failed) = (0, 0);
    for (i, c) in all.iter().enumerate() {
        if tty {
            eprint!("\r\x1b[2K[{}/{}] {}", i + 1, all.len(), c.name);
        }
        let failures = cases::run_case(&pack, c);
        if failures.is_empty() {
            passed += 1;
            if verbose {
                if tty {
                    eprint!("\r\x1b[2K");
                }
                outln!("ok   {} ({})", c.name, c.at);
            }
        } else {
            failed += 1;
            if tty {
                eprint!("\r\x1b[2K");
            }
            outln!("FAIL {} ({})\n     {} {}", c.name, c.at, say("cli-test-cites", &[]), c.cites);
            for f in failures {
                outln!("     {f}");
            }
        }
    }
    if tty {
        eprint!("\r\x1b[2K");
    }
    outln!("{}", say("cli-test-summary", &[("passed", &passed.to_string()), ("failed", &failed.to_string())]));
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn coverage(dir: &Path, lang: Lang) -> Result<ExitCode> {
    use qiangke_rules::plan::ClauseStatus;
    let pack = match load_pack(dir) {
        Ok(p) => p,
        Err(report) => {
            err!("{}", report.render_in(lang));
            return Ok(ExitCode::from(1));
        }
    };
    let c = qiangke_rules::coverage::coverage(&pack);
    let status = |s: ClauseStatus| {
        qiangke_i18n::label(
            lang,
            match s {
                ClauseStatus::Encoded => "cli-cov-encoded",
                ClauseStatus::Target => "cli-cov-target",
                ClauseStatus::NotComputable => "cli-cov-not-computable",
            },
        )
    };
    let entry_line = |e: &qiangke_rules::plan::ClauseEntry| {
        let what: Vec<String> =
            e.rules.iter().map(|&r| pack.rules[r].id.clone()).chain(e.targets.iter().map(|&t| pack.plan.targets[t].id.clone())).collect();
        let mut line = format!("{:<8} {}", status(e.status), what.join(", ")).trim_end().to_string();
        if let Some(r) = &e.reason {
            line.push_str(&format!("\n           {}", r.get(lang)));
        }
        line
    };
    outln!("{} — {}", pack.title.get(lang), say("cli-cov-title", &[]));
    for item in &c.items {
        outln!("\n{} {}", item.clause, item.heading);
        if !item.quoted_by.is_empty() {
            outln!("  {:<8} {}", status(ClauseStatus::Encoded), item.quoted_by.join(", "));
        } else if item.entries.is_empty() {
            outln!("  {}", say("cli-cov-not-accounted", &[]));
        }
        for e in &item.entries {
            outln!("  {}", entry_line(e));
        }
    }
    if !c.other_entries.is_empty() {
        outln!("\n{}", say("cli-cov-outside", &[]));
        for e in &c.other_entries {
            outln!("{} 「{}」\n  {}", e.clause, e.quote.as_deref().unwrap_or(""), entry_line(e));
        }
    }
    let is_encoded =
        |i: &&qiangke_rules::coverage::Item<'_>| !i.quoted_by.is_empty() || i.entries.iter().any(|e| e.status == ClauseStatus::Encoded);
    let encoded = c.items.iter().filter(is_encoded).count();
    let n = |x: usize| x.to_string();
    let summary = [
        ("items", n(c.items.len())),
        ("encoded", n(encoded)),
        ("otherwise", n(c.items.iter().filter(|i| !is_encoded(i) && !i.entries.is_empty()).count())),
        ("missing", n(c.items.iter().filter(|i| i.entries.is_empty() && i.quoted_by.is_empty()).count())),
        ("rules", n(pack.rules.len())),
    ];
    outln!("\n{}", say_with(if c.by_lines { "cli-cov-summary-lines" } else { "cli-cov-summary" }, &summary));
    if c.problems.is_empty() {
        outln!("{}", say("cli-cov-complete", &[]));
        Ok(ExitCode::SUCCESS)
    } else {
        for p in &c.problems {
            errln!("{}", say("cli-cov-problem", &[("detail", &p.to_string())]));
        }
        Ok(ExitCode::from(1))
    }
}

/// Loads a pack or prints its diagnostics (`None`: exit 1).
pub(crate) fn pack_or_report(dir: &Path) -> Option<qiangke_rules::Pack> {
    match load_pack(dir) {
        Ok(p) => Some(p),
        Err(report) => {
            err!("{}", report.render_in(lang()));
            None
        }
    }
}

fn notes(dir: &Path, lang: Lang) -> Result<ExitCode> {
    let Some(pack) = pack_or_report(dir) else { return Ok(ExitCode::from(1)) };
    let l = |id| qiangke_i18n::label(lang, id);
    outln!("{} — {} ({})", pack.title.get(lang), l("cli-notes-title"), pack.notes.len());
    for n in &pack.notes {
        outln!("\n[{}] {}", n.clause, n.id);
        outln!("  {} {}", l("cli-notes-question"), n.question.get(lang));
        for (i, o) in n.options.iter().enumerate() {
            outln!("  {} {}. {o}", l("cli-notes-option"), i + 1);
        }
        outln!("  {} {}", l("cli-notes-choice"), n.choice.get(lang));
        outln!("  {} {}", l("cli-notes-reason"), n.reason.get(lang));
    }
    Ok(ExitCode::SUCCESS)
}

fn plan(dir: &Path) -> Result<ExitCode> {
    let Some(pack) = pack_or_report(dir) else { return Ok(ExitCode::from(1)) };
    let dept = |i: usize| pack.departments[i].id.clone();
    let mut j = serde_json::to_value(&pack.plan)?;
    // Indexes become ids, so the JSON stands on its own.
    if let Some(tasks) = j["tasks"].as_array_mut() {
        for (t, model) in tasks.iter_mut().zip(&pack.plan.tasks) {
            t["units"] = serde_json::json!(model.units.iter().map(|&u| dept(u)).collect::<Vec<_>>());
            t["lead"] = serde_json::json!(model.lead().map(dept));
        }
    }
    if let Some(boxes) = j["boxes"].as_array_mut() {
        for (b, model) in boxes.iter_mut().zip(&pack.plan.boxes) {
            b["after_task"] = serde_json::json!(pack.plan.tasks[model.after_task].id);
        }
    }
    let note_ids = |v: &[usize]| v.iter().map(|&n| pack.notes[n].id.clone()).collect::<Vec<_>>();
    if let Some(ind) = j["indicators"].as_array_mut() {
        for (i, model) in ind.iter_mut().zip(&pack.plan.indicators) {
            i["notes"] = serde_json::json!(note_ids(&model.notes));
        }
    }
    if let Some(ts) = j["targets"].as_array_mut() {
        for (t, model) in ts.iter_mut().zip(&pack.plan.targets) {
            t["indicator"] = serde_json::json!(model.indicator.map(|i| pack.plan.indicators[i].id.clone()));
        }
    }
    if let Some(reg) = j["register"].as_array_mut() {
        for (e, model) in reg.iter_mut().zip(&pack.plan.register) {
            e["rules"] = serde_json::json!(model.rules.iter().map(|&r| pack.rules[r].id.clone()).collect::<Vec<_>>());
            e["targets"] = serde_json::json!(model.targets.iter().map(|&t| pack.plan.targets[t].id.clone()).collect::<Vec<_>>());
        }
    }
    j["pack"] = serde_json::json!({"id": pack.id, "version": pack.version, "hash": pack.hash});
    j["departments"] = serde_json::to_value(&pack.departments)?;
    outln!("{}", serde_json::to_string_pretty(&j)?);
    Ok(ExitCode::SUCCESS)
}

/// Workbooks, when the binary is built with the `xlsx` feature (the default).
mod xlsx {
    use qiangke_rules::model::Pack;
    use std::path::Path;

    #[cfg(feature = "xlsx")]
    pub fn template(pack: &Pack, out: &Path) -> Result<(), String> {
        qiangke_batch::template::to_xlsx(pack, out)
    }
    #[cfg(feature = "xlsx")]
    pub fn awards(pack: &Pack, csv: &Path, out: &Path) -> Result<(), String> {
        qiangke_batch::xlsx::awards_to_xlsx(pack, csv, out)
    }
    /// One of the CSV tables (budget, totals, what-if, progress) as a workbook.
    #[cfg(feature = "xlsx")]
    pub fn table(pack: &Pack, csv: &str, sheet: &str, out: &Path) -> Result<(), String> {
        qiangke_batch::xlsx::table_to_xlsx(pack, csv, sheet, out)
    }
    #[cfg(not(feature = "xlsx"))]
    pub fn table(_: &Pack, _: &str, _: &str, out: &Path) -> Result<(), String> {
        Err(super::say("cli-xlsx-feature", &[("path", &out.display().to_string())]))
    }
    pub fn is_xlsx(p: &Path) -> bool {
        p.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
    }
    #[cfg(not(feature = "xlsx"))]
    pub fn template(_: &Pack, out: &Path) -> Result<(), String> {
        Err(super::say("cli-xlsx-feature", &[("path", &out.display().to_string())]))
    }
    #[cfg(not(feature = "xlsx"))]
    pub fn awards(_: &Pack, _: &Path, out: &Path) -> Result<(), String> {
        Err(super::say("cli-xlsx-feature", &[("path", &out.display().to_string())]))
    }
}

fn template(dir: &Path, out: &Path) -> Result<ExitCode> {
    let Some(pack) = pack_or_report(dir) else { return Ok(ExitCode::from(1)) };
    if out.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) {
        xlsx::template(&pack, out).map_err(|e| anyhow::anyhow!(e))?;
    } else {
        std::fs::write(out, qiangke_batch::template::to_csv(&pack)).with_context(|| cannot_write(out))?;
    }
    let columns = qiangke_batch::template::columns(&pack).len().to_string();
    outln!("{}", say("cli-template-written", &[("columns", &columns), ("path", &out.display().to_string())]));
    Ok(ExitCode::SUCCESS)
}

fn cannot_write(p: &Path) -> String {
    say("cli-cannot-write", &[("path", &p.display().to_string())])
}

fn cannot_read(p: &Path) -> String {
    say("cli-cannot-read", &[("path", &p.display().to_string())])
}

/// How `qiangke batch` reads and writes (beside what it evaluates).
struct BatchFlags {
    strict: bool,
    bom: bool,
    sheet: Option<String>,
    evaluator: qiangke_batch::Evaluator,
}

#[allow(clippy::too_many_arguments)]
fn batch(
    dir: &Path,
    input: &Path,
    out: PathBuf,
    years: Vec<i32>,
    totals: Option<PathBuf>,
    errors: Option<PathBuf>,
    budget: Option<PathBuf>,
    mapping: Option<PathBuf>,
    flags: BatchFlags,
    jobs: usize,
) -> Result<ExitCode> {
    let BatchFlags { strict, bom, sheet, evaluator } = flags;
    use qiangke_batch::{BatchError, BatchOptions, Outputs, columns::Mapping, run_file};
    let Some(pack) = pack_or_report(dir) else { return Ok(ExitCode::from(1)) };
    let mapping = match mapping {
        Some(m) => {
            let text = std::fs::read_to_string(&m).with_context(|| cannot_read(&m))?;
            Mapping::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", m.display()))?
        }
        None => Mapping::default(),
    };
    let errors = errors.unwrap_or_else(|| out.with_extension("errors.csv"));
    let size = std::fs::metadata(input).map(|m| m.len()).unwrap_or(0);
    let progress: Option<std::sync::Arc<dyn Fn(u64, u64) + Send + Sync>> = if std::io::stderr().is_terminal() {
        Some(std::sync::Arc::new(move |bytes: u64, rows: u64| {
            let pct = (bytes * 100).checked_div(size).unwrap_or(0);
            let (done, all) = (format!("{:.1}", bytes as f64 / 1e6), format!("{:.1}", size as f64 / 1e6));
            let args = [("rows", rows.to_string()), ("done", done), ("size", all), ("pct", pct.to_string())];
            err!("\r\x1b[2K{}", say_with("cli-batch-progress", &args));
        }))
    } else {
        None
    };
    let opts = BatchOptions { years, strict, jobs, mapping, sheet, progress: progress.clone(), evaluator, ..BatchOptions::default() };
    // An `.xlsx` award list is made from the CSV the run writes, once the run has succeeded.
    let xlsx_out = out.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    let awards_csv = if xlsx_out { out.with_extension("xlsx.csv") } else { out.clone() };
    // Totals as a workbook are made the same way, from the CSV, afterwards.
    let totals_xlsx = totals.clone().filter(|t| xlsx::is_xlsx(t));
    let totals = totals.map(|t| if xlsx::is_xlsx(&t) { t.with_extension("xlsx.csv") } else { t });
    let outputs = Outputs { awards: Some(awards_csv.clone()), totals: totals.clone(), errors: Some(errors.clone()), bom, lang: lang() };
    let started = std::time::Instant::now();
    let result = run_file(&pack, input, &opts, &outputs);
    if progress.is_some() {
        eprint!("\r\x1b[2K");
    }
    let summary = match result {
        Ok(s) => s,
        Err(BatchError::Strict { bad_rows, summary }) => {
            for e in &summary.first_errors {
                errln!("{}", e.render(lang()));
            }
            let args = [("n", bad_rows.to_string()), ("path", errors.display().to_string())];
            let detail = say_with("cli-batch-strict", &args);
            errln!("{}", say("cli-error", &[("detail", &detail)]));
            return Ok(ExitCode::from(1));
        }
        Err(e) => {
            errln!("{}", say("cli-error", &[("detail", &e.render(lang()))]));
            return Ok(ExitCode::from(1));
        }
    };
    if xlsx_out {
        let written = xlsx::awards(&pack, &awards_csv, &out);
        let _ = std::fs::remove_file(&awards_csv);
        if let Err(e) = written {
            errln!("{}", say("cli-error", &[("detail", &e)]));
            return Ok(ExitCode::from(1));
        }
    }
    if let (Some(x), Some(csv)) = (&totals_xlsx, &totals) {
        let written = std::fs::read_to_string(csv).map_err(|e| e.to_string()).and_then(|t| xlsx::table(&pack, &t, "合计", x));
        let _ = std::fs::remove_file(csv);
        if let Err(e) = written {
            errln!("{}", say("cli-error", &[("detail", &e)]));
            return Ok(ExitCode::from(1));
        }
    }
    if let Some(b) = budget.as_ref().filter(|b| xlsx::is_xlsx(b)) {
        xlsx::table(&pack, &summary.budget.to_csv(), "预算", b).map_err(|e| anyhow::anyhow!(e))?;
    } else if let Some(b) = &budget {
        let text = if b.extension().is_some_and(|e| e == "json") {
            serde_json::to_string_pretty(&summary.budget.to_json())?
        } else if bom {
            format!("\u{feff}{}", summary.budget.to_csv())
        } else {
            summary.budget.to_csv()
        };
        std::fs::write(b, text).with_context(|| cannot_write(b))?;
    }
    out!("{}", summary.budget.to_table(&pack, lang()));
    let args = [
        ("rows", summary.rows.to_string()),
        ("entities", summary.entities.to_string()),
        ("awards", summary.awards.to_string()),
        ("bad", summary.bad_rows.to_string()),
        ("seconds", format!("{:.2}", started.elapsed().as_secs_f64())),
        ("path", out.display().to_string()),
    ];
    outln!("{}", say_with("cli-batch-summary", &args));
    if summary.bad_rows > 0 {
        for e in summary.first_errors.iter().take(5) {
            errln!("{}", e.render(lang()));
        }
        errln!("{}", say("cli-batch-left-out", &[("n", &summary.bad_rows.to_string()), ("path", &errors.display().to_string())]));
    }
    Ok(ExitCode::SUCCESS)
}

fn synth(dir: &Path, rows: u64, seed: u64, out: &Path) -> Result<ExitCode> {
    let Some(pack) = pack_or_report(dir) else { return Ok(ExitCode::from(1)) };
    let tmp = out.with_extension("partial");
    let f = std::fs::File::create(&tmp).with_context(|| cannot_write(&tmp))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
    let entities = qiangke_batch::synth::write_csv(&pack, rows, seed, &mut w)?;
    std::io::Write::flush(&mut w)?;
    drop(w);
    std::fs::rename(&tmp, out)?;
    let args =
        [("rows", rows.to_string()), ("entities", entities.to_string()), ("seed", seed.to_string()), ("path", out.display().to_string())];
    outln!("{}", say_with("cli-synth-wrote", &args));
    Ok(ExitCode::SUCCESS)
}

fn whatif(dir: &Path, input: &Path, reforms: &[PathBuf], years: &[i32], out: Option<&Path>, jobs: usize) -> Result<ExitCode> {
    use qiangke_batch::whatif::{Baseline, compare, variant_outcome, variants};
    use qiangke_batch::{BatchOptions, Outputs, run_file};
    use qiangke_rules::value::{UNBOUNDED, money_plain, money_yuan};
    let files = match qiangke_rules::read_pack_files(dir) {
        Ok(f) => f,
        Err(r) => {
            err!("{}", r.render_in(lang()));
            return Ok(ExitCode::from(1));
        }
    };
    let Some(pack) = pack_or_report(dir) else { return Ok(ExitCode::from(1)) };
    let mut all = Vec::new();
    for r in reforms {
        let text = std::fs::read_to_string(r).with_context(|| cannot_read(r))?;
        match variants(&files, &pack, &r.display().to_string(), &text) {
            Ok(v) => all.extend(v),
            Err(e) => {
                errln!("{}", say("cli-error", &[("detail", &e.render(lang()))]));
                return Ok(ExitCode::from(1));
            }
        }
    }
    let started = std::time::Instant::now();
    let pop = match run_file(&pack, input, &BatchOptions { collect: true, jobs, ..BatchOptions::default() }, &Outputs::default()) {
        Ok(s) => s,
        Err(e) => {
            errln!("{}", say("cli-error", &[("detail", &e.render(lang()))]));
            return Ok(ExitCode::from(1));
        }
    };
    if pop.bad_rows > 0 {
        errln!("{}", say("cli-whatif-left-out", &[("n", &pop.bad_rows.to_string())]));
    }
    let mut population = pop.population.unwrap_or_else(|| qiangke_lower::population::Population::new(&pack));
    population.shrink();
    let loaded = started.elapsed().as_secs_f64();
    let t = std::time::Instant::now();
    let base = Baseline::new(&pack, &population, years, jobs);
    let baseline_s = t.elapsed().as_secs_f64();
    let t = std::time::Instant::now();
    let baseline = base.budget();
    let show = |m: qiangke_rules::Decimal| if m == UNBOUNDED { "∞".to_string() } else { money_yuan(m) };
    let mut csv =
        String::from("variant,budget_year,paid_by,clause,baseline_low,baseline_high,variant_low,variant_high,delta_low,delta_high\n");
    for (k, v) in all.iter().enumerate() {
        let outcome = variant_outcome(&base, v, &population, years, jobs);
        let diffs = compare(&baseline, &outcome.budget);
        let n = v.rules.iter().filter(|x| **x).count().to_string();
        let progress = format!("{}/{}", k + 1, all.len());
        outln!("\n{}", say("cli-whatif-variant", &[("name", &v.name), ("rules", &n), ("progress", &progress)]));
        if diffs.is_empty() {
            outln!("  {}", say("cli-whatif-no-change", &[]));
        }
        for d in &diffs {
            let (y, dept, clause) = &d.key;
            let (dl, dh) = d.delta();
            let label = if dept == "*" { say("cli-whatif-total", &[("year", &y.to_string())]) } else { format!("{y} {dept} {clause}") };
            outln!(
                "  {label:<40} {} → {}  (Δ {}{})",
                show(d.baseline.low),
                show(d.variant.low),
                if dl.is_sign_negative() { "" } else { "+" },
                money_yuan(dl)
            );
            let hi = |m: qiangke_rules::Decimal| if m == UNBOUNDED { String::new() } else { money_plain(m) };
            csv.push_str(&format!(
                "\"{}\",{y},{dept},{clause},{},{},{},{},{},{}\n",
                v.name.replace('"', "\"\""),
                money_plain(d.baseline.low),
                hi(d.baseline.high),
                money_plain(d.variant.low),
                hi(d.variant.high),
                money_plain(dl),
                dh.map(money_plain).unwrap_or_default()
            ));
        }
        outln!("  {}", outcome.effects.sentences(lang()));
    }
    let args = [
        ("entities", pop.entities.to_string()),
        ("rows", pop.rows.to_string()),
        ("loaded", format!("{loaded:.2}")),
        ("baseline", format!("{baseline_s:.2}")),
        ("variants", all.len().to_string()),
        ("seconds", format!("{:.2}", t.elapsed().as_secs_f64())),
    ];
    outln!("\n{}", say_with("cli-whatif-summary", &args));
    match out {
        Some(o) if xlsx::is_xlsx(o) => xlsx::table(&pack, &csv, "方案比较", o).map_err(|e| anyhow::anyhow!(e))?,
        Some(o) => std::fs::write(o, csv).with_context(|| cannot_write(o))?,
        None => {}
    }
    Ok(ExitCode::SUCCESS)
}

fn report(dir: &Path, year: i32, observations: &Path, updates: Option<&Path>, awards: Option<&Path>, out_dir: &Path) -> Result<ExitCode> {
    use qiangke_monitor::{assess::Weights, import_observations, report as rep, tasks::import_updates};
    let Some(pack) = pack_or_report(dir) else { return Ok(ExitCode::from(1)) };
    let text = std::fs::read_to_string(observations).with_context(|| cannot_read(observations))?;
    let obs = match import_observations(&pack, &text) {
        Ok(o) => o,
        Err(errs) => {
            for e in &errs {
                errln!("{}: {}", observations.display(), e.render(lang()));
            }
            errln!("{}", say("cli-nothing-imported", &[("n", &errs.len().to_string())]));
            return Ok(ExitCode::from(1));
        }
    };
    let ups = match updates {
        Some(u) => {
            let text = std::fs::read_to_string(u).with_context(|| cannot_read(u))?;
            match import_updates(&pack, &text) {
                Ok(x) => x,
                Err(errs) => {
                    for e in &errs {
                        errln!("{}: {}", u.display(), e.render(lang()));
                    }
                    return Ok(ExitCode::from(1));
                }
            }
        }
        None => Vec::new(),
    };
    let weights = Weights::from_pack_dir(&pack, dir).map_err(|e| anyhow::anyhow!(e.render(lang())))?;
    let counts = match awards {
        Some(a) => {
            let text = std::fs::read_to_string(a).with_context(|| cannot_read(a))?;
            Some(rep::award_counts(&text).map_err(|e| anyhow::anyhow!("{}: {}", a.display(), e.render(lang())))?)
        }
        None => None,
    };
    write_report(&pack, &obs, &ups, year, &weights, counts.as_ref(), out_dir)
}

/// Builds the monitoring report and writes report.html, progress.csv, report.json and
/// observations.csv into `out_dir`.
pub(crate) fn write_report(
    pack: &qiangke_rules::Pack,
    obs: &[qiangke_monitor::Observation],
    ups: &[qiangke_monitor::tasks::Update],
    year: i32,
    weights: &qiangke_monitor::assess::Weights,
    counts: Option<&std::collections::HashMap<(String, i32), u64>>,
    out_dir: &Path,
) -> Result<ExitCode> {
    use qiangke_monitor::report as rep;
    let r = rep::build(pack, obs, ups, year, weights, counts);
    std::fs::create_dir_all(out_dir).with_context(|| cannot_write(out_dir))?;
    std::fs::write(out_dir.join("report.html"), rep::to_html_in(pack, &r, lang()))?;
    let progress = rep::to_csv(pack, &r);
    std::fs::write(out_dir.join("progress.csv"), &progress)?;
    #[cfg(feature = "xlsx")]
    xlsx::table(pack, &progress, "指标进展", &out_dir.join("progress.xlsx")).map_err(|e| anyhow::anyhow!(e))?;
    std::fs::write(out_dir.join("report.json"), serde_json::to_string_pretty(&rep::to_json(pack, &r))?)?;
    std::fs::write(out_dir.join("observations.csv"), qiangke_monitor::observation::export_observations(pack, obs))?;
    let args = [
        ("observations", obs.len().to_string()),
        ("updates", ups.len().to_string()),
        ("dir", out_dir.display().to_string()),
        ("missing", r.missing.len().to_string()),
    ];
    outln!("{}", say_with("cli-report-written", &args));
    Ok(ExitCode::SUCCESS)
}

fn engine_batch(dir: &Path, input: &Path, out: &Path, budget: Option<&Path>, engine: &engine::Engine) -> Result<ExitCode> {
    let Some(pack) = pack_or_report(dir) else { return Ok(ExitCode::from(1)) };
    if let Some(b) = budget
        && b.extension().is_none_or(|x| x != "csv")
    {
        anyhow::bail!(say("cli-sql-budget-csv", &[("path", &b.display().to_string())]));
    }
    let spark = matches!(engine, engine::Engine::Spark { .. });
    // CSV in and out; Spark also Parquet, and it reads a URI (hdfs://, s3a://, file://) itself.
    let takes = |p: &Path| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")) || (spark && engine::is_parquet(p));
    if !takes(input) || (!spark && engine::is_uri(input)) {
        anyhow::bail!(say(if spark { "cli-spark-input" } else { "cli-sql-input-csv" }, &[("path", &input.display().to_string())]));
    }
    if !takes(out) {
        anyhow::bail!(say(if spark { "cli-spark-out" } else { "cli-sql-out-csv" }, &[("path", &out.display().to_string())]));
    }
    engine::run(engine, &engine::Job { pack: &pack, input, out, budget })?;
    let budget = budget.map(|b| b.display().to_string()).unwrap_or_default();
    let id = if budget.is_empty() { "cli-engine-wrote" } else { "cli-engine-wrote-budget" };
    errln!("{}", say(id, &[("awards", &out.display().to_string()), ("budget", &budget)]));
    Ok(ExitCode::SUCCESS)
}

fn sql(dir: &Path, dialect: DialectArg, budget: bool, entity_years: bool) -> Result<ExitCode> {
    use qiangke_lower::sql::{Dialect, Output, Shape, compile_for};
    let Some(pack) = pack_or_report(dir) else { return Ok(ExitCode::from(1)) };
    let d = match dialect {
        DialectArg::Postgres => Dialect::Postgres,
        DialectArg::Spark => Dialect::Spark,
    };
    let shape = if entity_years { Shape::EntityYears } else { Shape::Any };
    match compile_for(&pack, d, if budget { Output::Budget } else { Output::Awards }, shape) {
        Ok(text) => {
            out!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Err(errs) => {
            for e in &errs {
                errln!("{}", say("cli-error", &[("detail", &e.to_string())]));
            }
            Ok(ExitCode::from(1))
        }
    }
}
