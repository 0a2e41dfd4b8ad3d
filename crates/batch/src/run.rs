//! The streaming population run: read → parse and evaluate on every core → write in input order.
//!
//! The reader cuts the input into chunks at entity boundaries (rows of one entity must be
//! adjacent, in ascending id order, so each entity is evaluated whole and a one-time award is
//! never paid twice); workers parse and evaluate chunks; the writer puts results back in input
//! order. Channels are bounded, so memory depends on the chunk size and the number of workers,
//! not on the input. Outputs are written under temporary names and renamed only when the run
//! succeeds: a file with the final name is always complete.

use crate::budget::Budget;
use crate::columns::{Col, HeaderError, Mapping, plan, resolve};
use crate::fast::Fast;
use crate::rows::{Row, RowError, entity_facts, parse_row, parse_row_str};
use qiangke_i18n::{Lang, Msg, label, text};
use qiangke_lower::compiled::{Frame, Program};
use qiangke_lower::population::Population;
use qiangke_rules::diag::SourceMap;
use qiangke_rules::eval::{Options, State, evaluate};
use qiangke_rules::facts::{Facts, facts_from_node};
use qiangke_rules::model::{Pack, Rule, RuleKind};
use qiangke_rules::tree::{Kind, parse_json};
use qiangke_rules::value::{UNBOUNDED, money_plain};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

/// Input formats (chosen by file extension: `.csv`, `.jsonl`/`.ndjson`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
    /// Needs the cargo feature `parquet`.
    Parquet,
    /// An Excel workbook (first sheet, or `BatchOptions::sheet`); needs the feature `xlsx`.
    Xlsx,
}

impl Format {
    pub fn of(path: &Path) -> Option<Format> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("csv") => Some(Format::Csv),
            Some("jsonl" | "ndjson") => Some(Format::Jsonl),
            Some("parquet") => Some(Format::Parquet),
            Some("xlsx") => Some(Format::Xlsx),
            _ => None,
        }
    }
}

#[derive(Clone)]
pub struct BatchOptions {
    /// Claim years to report (empty: every year in the input).
    pub years: Vec<i32>,
    /// Any bad row fails the run and no output is written.
    pub strict: bool,
    /// Worker threads (0: one per core).
    pub jobs: usize,
    /// Rows per chunk handed to a worker (JSON Lines, Parquet).
    pub chunk_rows: usize,
    /// Bytes per CSV block handed to a worker (cut between entities).
    pub block_bytes: usize,
    pub mapping: Mapping,
    /// Parse and check every row but evaluate nothing (the benchmark's floor).
    pub parse_only: bool,
    /// Keep every entity's validated facts, columnar (for what-if sweeps over one in-memory
    /// population); nothing is evaluated.
    pub collect: bool,
    /// The sheet of an `.xlsx` input (default: the first).
    pub sheet: Option<String>,
    /// Called now and then with (bytes read, rows read).
    pub progress: Option<Arc<dyn Fn(u64, u64) + Send + Sync>>,
    /// The compiled rules (the default) or the interpreter, which is the reference.
    pub evaluator: Evaluator,
}

/// Which evaluator a run uses. Both give the same awards, to the fen and in the same order; the
/// compiled form is faster, the interpreter is the reference every explanation comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Evaluator {
    /// The pack lowered once into closures over flat slots (`qiangke_lower::compiled`); CSV rows
    /// are read straight into them. An entity with any row the reader refuses goes to the
    /// interpreter's reading, so errors are reported in the same words.
    #[default]
    Compiled,
    Interpreter,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            years: Vec::new(),
            strict: false,
            jobs: 0,
            chunk_rows: 2048,
            block_bytes: BLOCK,
            mapping: Mapping::default(),
            parse_only: false,
            collect: false,
            sheet: None,
            progress: None,
            evaluator: Evaluator::Compiled,
        }
    }
}

impl std::fmt::Debug for BatchOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchOptions")
            .field("years", &self.years)
            .field("strict", &self.strict)
            .field("jobs", &self.jobs)
            .field("chunk_rows", &self.chunk_rows)
            .field("parse_only", &self.parse_only)
            .field("evaluator", &self.evaluator)
            .finish_non_exhaustive()
    }
}

/// Where the results go; `None` skips that output.
#[derive(Debug, Clone, Default)]
pub struct Outputs {
    /// One row per award.
    pub awards: Option<PathBuf>,
    /// One row per entity and budget year.
    pub totals: Option<PathBuf>,
    /// One row per bad row (line, column, field, message).
    pub errors: Option<PathBuf>,
    /// CSV files start with a UTF-8 byte-order mark, so that Excel opens them as UTF-8 and not
    /// in the system's code page (GBK on Chinese Windows).
    pub bom: bool,
    /// The language of the messages in the error file (its header stays the same).
    pub lang: Lang,
}

#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub rows: u64,
    pub entities: u64,
    pub awards: u64,
    pub bad_rows: u64,
    /// The first errors (all of them are in the errors file).
    pub first_errors: Vec<RowError>,
    pub budget: Budget,
    /// Every entity's validated facts, columnar, in input order (only with `collect`).
    pub population: Option<Population>,
}

#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{}", self.render(Lang::En))]
    Header(Vec<HeaderError>),
    #[error("{0}")]
    Input(Msg),
    #[error("{}", self.render(Lang::En))]
    Strict { bad_rows: u64, summary: Box<Summary> },
}

impl BatchError {
    /// The error in a language (file names, lines and columns the same in every language).
    pub fn render(&self, lang: Lang) -> String {
        match self {
            BatchError::Io { path, source } => text(lang, "batch-io", &[("path", path), ("detail", &source.to_string())]),
            BatchError::Header(errs) => {
                let lines: Vec<String> = errs.iter().map(|e| format!("  {}", e.render(lang))).collect();
                format!("{}\n{}", label(lang, "batch-header-misfit"), lines.join("\n"))
            }
            BatchError::Input(m) => m.render(lang),
            BatchError::Strict { bad_rows, .. } => {
                text(lang, if *bad_rows == 1 { "batch-strict-one" } else { "batch-strict" }, &[("n", &bad_rows.to_string())])
            }
        }
    }
}

/// An input problem with a text from elsewhere (the operating system, a library) as its detail.
fn input_err(id: &'static str, detail: impl ToString) -> BatchError {
    BatchError::Input(Msg::new(id).arg("detail", detail))
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> BatchError + '_ {
    move |source| BatchError::Io { path: path.display().to_string(), source }
}

/// The header's columns and names, shared with the workers once read.
type HeaderSlot = Arc<Mutex<Option<(Vec<Col>, Vec<String>)>>>;

/// Tells the caller waiting on the header that it is refused, and gives the error back.
fn refuse_header(ready: &SyncSender<Result<(), BatchError>>, e: BatchError) -> BatchError {
    let copy = match &e {
        BatchError::Header(errs) => BatchError::Header(errs.clone()),
        BatchError::Input(m) => BatchError::Input(m.clone()),
        other => input_err("batch-other", other),
    };
    let _ = ready.send(Err(copy));
    e
}

/// Plans the header's columns against the pack and publishes them to the caller (or refuses the
/// header); returns the index of the id column.
fn publish_header(
    pack: &Pack,
    names: Vec<String>,
    opts: &BatchOptions,
    slot: &HeaderSlot,
    ready: &SyncSender<Result<(), BatchError>>,
) -> Result<usize, BatchError> {
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let cols = plan(pack, &refs, &opts.mapping).map_err(|errs| refuse_header(ready, BatchError::Header(errs)))?;
    let id_col = cols.iter().position(|c| *c == Col::Id).unwrap_or(0);
    if let Ok(mut h) = slot.lock() {
        *h = Some((cols, names));
    }
    let _ = ready.send(Ok(()));
    Ok(id_col)
}

/// One unit of work as read.
enum Item {
    /// Whole CSV rows of whole entities, in id order: (the line number of each row, the rows).
    CsvBlock(Vec<u64>, Vec<u8>),
    /// A flat JSON object: `(key, text)` pairs.
    Flat(Vec<(String, String)>),
    /// A whole facts document on one line.
    Doc(Box<Facts>),
    /// Text cells in header order (Parquet rows); `Err` is a value without exact text.
    #[cfg_attr(not(any(feature = "parquet", feature = "xlsx")), allow(dead_code))]
    Cells(Vec<Result<String, Msg>>),
}

struct Chunk {
    seq: u64,
    /// `(line, id, item)`, grouped by entity.
    items: Vec<(u64, Vec<u8>, Item)>,
    /// Problems the reader found (out-of-order ids, unreadable lines).
    errors: Vec<RowError>,
}

struct ChunkOut {
    seq: u64,
    awards: Vec<u8>,
    totals: Vec<u8>,
    errors: Vec<RowError>,
    budget: Budget,
    rows: u64,
    entities: u64,
    award_count: u64,
    /// With `collect`: the chunk's entities.
    population: Option<Population>,
    /// Budget lines by (budget year, paying department, rule address), turned into `budget`
    /// when the chunk is done.
    budget_lines: std::collections::HashMap<(i32, Option<usize>, usize), crate::budget::Line>,
}

/// Runs a population from a file.
pub fn run_file(pack: &Pack, input: &Path, opts: &BatchOptions, out: &Outputs) -> Result<Summary, BatchError> {
    let format = Format::of(input).ok_or_else(|| BatchError::Input(Msg::new("batch-unknown-format").arg("path", input.display())))?;
    if format == Format::Parquet {
        return run_parquet(pack, input, opts, out);
    }
    if format == Format::Xlsx {
        return run_xlsx(pack, input, opts, out);
    }
    let file = std::fs::File::open(input).map_err(io(input))?;
    run(pack, file, format, opts, out)
}

#[cfg(not(feature = "parquet"))]
fn run_parquet(_: &Pack, input: &Path, _: &BatchOptions, _: &Outputs) -> Result<Summary, BatchError> {
    Err(BatchError::Input(Msg::new("batch-parquet-feature").arg("path", input.display())))
}

#[cfg(feature = "parquet")]
fn run_parquet(pack: &Pack, input: &Path, opts: &BatchOptions, out: &Outputs) -> Result<Summary, BatchError> {
    let (names, reader) = crate::parquet_io::open(input).map_err(|e| input_err("batch-parquet-unreadable", e))?;
    let bytes = Arc::new(AtomicU64::new(0));
    finish_run(opts, out, |files| {
        run_into(pack, opts, files, bytes, move |work, slot, ready| read_parquet(pack, names, reader, opts, work, slot, ready))
    })
}

/// Reads Parquet record batches as rows of text cells, cut at entity boundaries.
#[cfg(feature = "parquet")]
fn read_parquet(
    pack: &Pack,
    names: Vec<String>,
    reader: parquet::arrow::arrow_reader::ParquetRecordBatchReader,
    opts: &BatchOptions,
    work: SyncSender<Chunk>,
    header_slot: HeaderSlot,
    header_ready: SyncSender<Result<(), BatchError>>,
) -> Result<(), BatchError> {
    let id_col = publish_header(pack, names, opts, &header_slot, &header_ready)?;
    let mut batcher = Batcher::new(work, opts);
    let mut row_no = 0u64;
    for batch in reader {
        let batch = batch.map_err(|e| input_err("batch-parquet-unreadable", e))?;
        for cells in crate::parquet_io::rows(&batch) {
            row_no += 1;
            batcher.push_cells(row_no, id_col, cells)?;
        }
    }
    batcher.flush()
}

#[cfg(not(feature = "xlsx"))]
fn run_xlsx(_: &Pack, input: &Path, _: &BatchOptions, _: &Outputs) -> Result<Summary, BatchError> {
    Err(BatchError::Input(Msg::new("batch-xlsx-feature").arg("path", input.display())))
}

#[cfg(feature = "xlsx")]
fn run_xlsx(pack: &Pack, input: &Path, opts: &BatchOptions, out: &Outputs) -> Result<Summary, BatchError> {
    let sheet = crate::xlsx::read(input, opts.sheet.as_deref()).map_err(BatchError::Input)?;
    let bytes = Arc::new(AtomicU64::new(0));
    finish_run(opts, out, |files| {
        run_into(pack, opts, files, bytes, move |work, slot, ready| {
            let id_col = publish_header(pack, sheet.header, opts, &slot, &ready)?;
            let mut batcher = Batcher::new(work, opts);
            // Errors name the row as Excel numbers it (the header is row 1), like a CSV line.
            for (row, cells) in sheet.rows {
                batcher.push_cells(row, id_col, cells)?;
            }
            batcher.flush()
        })
    })
}

/// Runs a population from any reader.
pub fn run<R: Read + Send>(pack: &Pack, input: R, format: Format, opts: &BatchOptions, out: &Outputs) -> Result<Summary, BatchError> {
    if matches!(format, Format::Parquet | Format::Xlsx) {
        return Err(BatchError::Input(Msg::new("batch-file-only")));
    }
    let bytes = Arc::new(AtomicU64::new(0));
    // UTF-8 with or without a BOM, or GB18030/GBK as Excel saves CSV on Chinese Windows.
    // Progress counts the bytes of the file, whatever its encoding.
    let counting = CountingReader { inner: input, bytes: bytes.clone() };
    let counting = qiangke_rules::textfile::Utf8Reader::new(counting)
        .map_err(|e| input_err("batch-cannot-read", e))?
        .map_err(|e| input_err("batch-not-text", e))?;
    finish_run(opts, out, |files| {
        run_into(pack, opts, files, bytes, move |work, slot, ready| read_items(pack, counting, format, opts, work, slot, ready))
    })
}

/// Creates the outputs, runs, and then renames them into place, keeps only the errors report
/// (strict failure), or removes them (any other failure).
fn finish_run(
    opts: &BatchOptions,
    out: &Outputs,
    go: impl FnOnce(&mut TempOutputs) -> Result<Summary, BatchError>,
) -> Result<Summary, BatchError> {
    let mut files = TempOutputs::create(out)?;
    match go(&mut files) {
        Ok(summary) if summary.bad_rows > 0 && opts.strict => {
            files.finish_errors_only()?;
            Err(BatchError::Strict { bad_rows: summary.bad_rows, summary: Box::new(summary) })
        }
        Ok(summary) => {
            files.finish()?;
            Ok(summary)
        }
        Err(e) => {
            files.abandon();
            Err(e)
        }
    }
}

/// Runs the pipeline; `read` is the reader half: it sends chunks, publishes the header and
/// says when it is known.
fn run_into<'a>(
    pack: &Pack,
    opts: &BatchOptions,
    files: &mut TempOutputs,
    bytes: Arc<AtomicU64>,
    read: impl FnOnce(SyncSender<Chunk>, HeaderSlot, SyncSender<Result<(), BatchError>>) -> Result<(), BatchError> + Send + 'a,
) -> Result<Summary, BatchError> {
    let jobs = if opts.jobs == 0 { std::thread::available_parallelism().map_or(2, |n| n.get()) } else { opts.jobs };
    let mut summary = Summary::default();
    let compiled = (opts.evaluator == Evaluator::Compiled).then(|| Program::new(pack));
    let program = compiled.as_ref();
    std::thread::scope(|s| -> Result<(), BatchError> {
        let (work_tx, work_rx) = sync_channel::<Chunk>(jobs * 2);
        let work_rx = Arc::new(Mutex::new(work_rx));
        let (out_tx, out_rx) = sync_channel::<ChunkOut>(jobs * 2);
        let header: HeaderSlot = Arc::new(Mutex::new(None));
        let (hdr_tx, hdr_rx) = sync_channel::<Result<(), BatchError>>(1);
        let reader_header = header.clone();
        let reader = s.spawn(move || read(work_tx, reader_header, hdr_tx));
        // Workers start once the header is known.
        match hdr_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                let _ = reader.join();
                return Err(e);
            }
            Err(_) => {}
        }
        let header = header.lock().map(|h| h.clone()).unwrap_or(None);
        for _ in 0..jobs {
            let rx = work_rx.clone();
            let tx = out_tx.clone();
            let header = header.clone();
            s.spawn(move || worker(pack, program, opts, header.as_ref(), &rx, &tx));
        }
        drop(out_tx);
        let mut pending: BTreeMap<u64, ChunkOut> = BTreeMap::new();
        let mut next = 0;
        let mut write_err = None;
        for o in out_rx {
            pending.insert(o.seq, o);
            while let Some(o) = pending.remove(&next) {
                next += 1;
                if let Err(e) = files.write(&o) {
                    write_err.get_or_insert(e);
                }
                summary.rows += o.rows;
                summary.entities += o.entities;
                summary.awards += o.award_count;
                // Rows, not messages: a row with two bad cells is one bad row.
                let mut lines: Vec<u64> = o.errors.iter().map(|e| e.line).collect();
                lines.dedup();
                summary.bad_rows += lines.len() as u64;
                for e in o.errors {
                    if summary.first_errors.len() < 20 {
                        summary.first_errors.push(e);
                    }
                }
                summary.budget.merge(o.budget);
                if let Some(p) = o.population {
                    match &mut summary.population {
                        Some(all) => all.append(p),
                        None => summary.population = Some(p),
                    }
                }
                if let Some(p) = &opts.progress
                    && next % 16 == 0
                {
                    p(bytes.load(Ordering::Relaxed), summary.rows);
                }
            }
        }
        let read = reader.join().map_err(|_| BatchError::Input(Msg::new("batch-reader-failed")))?;
        read?;
        if let Some(e) = write_err {
            return Err(e);
        }
        if let Some(p) = &opts.progress {
            p(bytes.load(Ordering::Relaxed), summary.rows);
        }
        Ok(())
    })?;
    Ok(summary)
}

struct CountingReader<R> {
    inner: R,
    bytes: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Reads the input, checks the header and the order of ids, and hands chunks to the workers.
fn read_items<R: Read>(
    pack: &Pack,
    input: R,
    format: Format,
    opts: &BatchOptions,
    work: SyncSender<Chunk>,
    header_slot: HeaderSlot,
    header_ready: SyncSender<Result<(), BatchError>>,
) -> Result<(), BatchError> {
    let mut batcher = Batcher::new(work, opts);
    match format {
        Format::Csv => {
            let mut input = input;
            let mut buf: Vec<u8> = Vec::with_capacity(BLOCK + (BLOCK >> 2));
            let mut eof = fill(&mut input, &mut buf, BLOCK)?;
            // The header: the first row, up to a newline outside quotes.
            let Some(hdr_end) = last_row_end(&buf, true) else {
                let msg =
                    if buf.iter().all(u8::is_ascii_whitespace) { Msg::new("batch-empty-csv") } else { Msg::new("batch-header-unended") };
                return Err(refuse_header(&header_ready, BatchError::Input(msg)));
            };
            let mut hrec = csv::ByteRecord::new();
            let _ = csv::ReaderBuilder::new().has_headers(false).from_reader(&buf[..hdr_end]).read_byte_record(&mut hrec);
            let names: Result<Vec<String>, _> = hrec.iter().map(|n| std::str::from_utf8(n).map(str::to_string)).collect();
            let Ok(names) = names else {
                return Err(refuse_header(&header_ready, BatchError::Input(Msg::new("batch-header-not-utf8"))));
            };
            let id_col = publish_header(pack, names, opts, &header_slot, &header_ready)?;
            let mut line = 1 + memchr::memchr_iter(b'\n', &buf[..hdr_end]).count() as u64;
            buf.drain(..hdr_end);
            // Rows are scanned here, in order: the reader knows every row's id, keeps each
            // entity's rows together, refuses ids that go backwards (an entity's rows must not be
            // split, or a one-time award could be paid twice), and cuts blocks between entities.
            let block_bytes = opts.block_bytes.max(1);
            let mut block: Vec<u8> = Vec::with_capacity(block_bytes + (block_bytes >> 3));
            let mut lines: Vec<u64> = Vec::new();
            let mut current: Option<Vec<u8>> = None;
            let mut pos = 0;
            loop {
                let row_end = match row_end(&buf[pos..]) {
                    Some(n) => pos + n,
                    None if !eof => {
                        // The row goes on past the buffer: keep the unread part and read more.
                        buf.drain(..pos);
                        pos = 0;
                        let want = buf.len() + BLOCK;
                        eof = fill(&mut input, &mut buf, want)?;
                        continue;
                    }
                    None if pos < buf.len() => buf.len(),
                    None => break,
                };
                let row = &buf[pos..row_end];
                pos = row_end;
                let row_line = line;
                line += memchr::memchr_iter(b'\n', row).count() as u64;
                let content = row.strip_suffix(b"\n").unwrap_or(row);
                let content = content.strip_suffix(b"\r").unwrap_or(content);
                if content.is_empty() {
                    continue;
                }
                let id = field(content, id_col);
                if !id.is_empty() && current.as_deref() != Some(&id[..]) {
                    if let Some(cur) = &current
                        && *id <= **cur
                    {
                        let m =
                            Msg::new("batch-unsorted").arg("id", String::from_utf8_lossy(&id)).arg("before", String::from_utf8_lossy(cur));
                        batcher.errors.push(RowError::new(row_line, id_col + 1, "id", m));
                        continue;
                    }
                    if block.len() >= block_bytes {
                        let b = std::mem::replace(&mut block, Vec::with_capacity(block_bytes + (block_bytes >> 3)));
                        batcher.push_block(current.clone().unwrap_or_default(), Item::CsvBlock(std::mem::take(&mut lines), b))?;
                    }
                    current = Some(id.into_owned());
                }
                block.extend_from_slice(content);
                block.push(b'\n');
                lines.push(row_line);
                if pos > BLOCK && pos == buf.len() && !eof {
                    buf.clear();
                    pos = 0;
                }
            }
            if !block.is_empty() {
                batcher.push_block(current.unwrap_or_default(), Item::CsvBlock(lines, block))?;
            }
        }
        Format::Parquet | Format::Xlsx => return Err(BatchError::Input(Msg::new("batch-file-only"))),
        Format::Jsonl => {
            let _ = header_ready.send(Ok(()));
            let mut r = BufReader::new(input);
            let mut buf = Vec::new();
            let mut line = 0u64;
            let mut any = false;
            loop {
                buf.clear();
                let n = r.read_until(b'\n', &mut buf).map_err(|e| input_err("batch-cannot-read", e))?;
                if n == 0 {
                    break;
                }
                line += 1;
                let Ok(text) = std::str::from_utf8(&buf) else {
                    batcher.errors.push(RowError::new(line, 0, "", Msg::new("batch-line-not-utf8")));
                    continue;
                };
                if text.trim().is_empty() {
                    continue;
                }
                any = true;
                match json_item(pack, text, line) {
                    Ok((id, item)) => batcher.push(line, id, item)?,
                    Err(e) => batcher.errors.push(e),
                }
            }
            if !any && batcher.errors.is_empty() {
                return Err(BatchError::Input(Msg::new("batch-empty-jsonl")));
            }
        }
    }
    batcher.flush()
}

/// Bytes read per CSV block (cut back to an entity boundary).
const BLOCK: usize = 1 << 20;

/// Reads until `buf` holds `want` bytes or the input ends (`true`).
fn fill<R: Read>(input: &mut R, buf: &mut Vec<u8>, want: usize) -> Result<bool, BatchError> {
    // Read straight into the buffer's tail: no intermediate copy.
    while buf.len() < want {
        let len = buf.len();
        buf.resize(want, 0);
        let n = match input.read(&mut buf[len..]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                buf.truncate(len);
                continue;
            }
            Err(e) => {
                buf.truncate(len);
                return Err(input_err("batch-cannot-read", e));
            }
        };
        buf.truncate(len + n);
        if n == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The end (after the newline) of the first or last complete row (`first`), by the same quote rule
/// as [`row_end`].
fn last_row_end(buf: &[u8], first: bool) -> Option<usize> {
    let mut pos = 0;
    let mut last = None;
    while let Some(n) = row_end(&buf[pos..]) {
        pos += n;
        if first {
            return Some(pos);
        }
        last = Some(pos);
    }
    last
}

/// The length of the first row of `buf` up to and including its newline, or `None` if no row
/// ends in `buf`. A quote opens a quoted field only at the start of a field (as the CSV reader
/// reads it: a quote inside an unquoted field is literal); inside, a doubled quote is literal and
/// a single one closes the field; newlines inside a quoted field belong to the row.
fn row_end(buf: &[u8]) -> Option<usize> {
    let mut inside = false;
    let mut i = 0;
    while i < buf.len() {
        let off = memchr::memchr2(b'"', b'\n', &buf[i..])?;
        let j = i + off;
        if buf[j] == b'\n' {
            if !inside {
                return Some(j + 1);
            }
            i = j + 1;
        } else if inside {
            if buf.get(j + 1) == Some(&b'"') {
                i = j + 2;
            } else {
                inside = false;
                i = j + 1;
            }
        } else {
            // Opening only at a field's start.
            if j == 0 || buf[j - 1] == b',' {
                inside = true;
            }
            i = j + 1;
        }
    }
    None
}

/// Field `k` of one row (without its line break), unquoted and trimmed; empty if it is missing.
fn field(row: &[u8], k: usize) -> std::borrow::Cow<'_, [u8]> {
    let mut n = 0;
    let mut i = 0;
    loop {
        // At the start of field n.
        let (value, next) = if row.get(i) == Some(&b'"') {
            let mut v = Vec::new();
            let mut j = i + 1;
            while j < row.len() {
                if row[j] == b'"' {
                    if row.get(j + 1) == Some(&b'"') {
                        v.push(b'"');
                        j += 2;
                        continue;
                    }
                    j += 1;
                    break;
                }
                v.push(row[j]);
                j += 1;
            }
            let end = memchr::memchr(b',', &row[j.min(row.len())..]).map_or(row.len(), |p| j + p);
            (std::borrow::Cow::Owned(v), end)
        } else {
            let end = memchr::memchr(b',', &row[i.min(row.len())..]).map_or(row.len(), |p| i + p);
            (std::borrow::Cow::Borrowed(&row[i.min(row.len())..end]), end)
        };
        if n == k {
            return match value {
                std::borrow::Cow::Borrowed(v) => std::borrow::Cow::Borrowed(v.trim_ascii()),
                std::borrow::Cow::Owned(v) => std::borrow::Cow::Owned(v.trim_ascii().to_vec()),
            };
        }
        if next >= row.len() {
            return std::borrow::Cow::Borrowed(&[]);
        }
        n += 1;
        i = next + 1;
    }
}

/// Parses one JSON line: a whole facts document (it has `entity`), or a flat row.
fn json_item(pack: &Pack, text: &str, line: u64) -> Result<(Vec<u8>, Item), RowError> {
    let err = |column: usize, message: Msg| RowError::new(line, column, "", message);
    let node = parse_json(text).map_err(|e| {
        let column = text[..e.span.start.min(text.len())].chars().count() + 1;
        err(column, Msg::new("batch-invalid-json").detail(e.message))
    })?;
    let Kind::Obj(kv) = &node.kind else { return Err(err(1, Msg::new("batch-json-not-object"))) };
    if node.get("entity").is_some() {
        let mut map = SourceMap::new();
        let f = map.add(format!("line {line}"), text);
        return match facts_from_node(pack, &map, f, &node) {
            Ok(facts) => Ok((facts.entity_id.clone().into_bytes(), Item::Doc(Box::new(facts)))),
            Err(ds) => {
                let d = &ds[0];
                let (_, col) = map.line_col(f, d.span.start);
                Err(RowError { hint: d.hint.clone(), ..err(col, d.message.clone()) })
            }
        };
    }
    let mut cells = Vec::with_capacity(kv.len());
    let mut id = Vec::new();
    for (k, _, v) in kv {
        let text = match &v.kind {
            Kind::Str(s) | Kind::Num(s) => s.clone(),
            Kind::Bool(b) => b.to_string(),
            Kind::Null => String::new(),
            _ => {
                return Err(RowError::new(line, 0, k.clone(), Msg::new("batch-json-value").arg("name", k)));
            }
        };
        if k == "id" {
            id = text.clone().into_bytes();
        }
        cells.push((k.clone(), text));
    }
    Ok((id, Item::Flat(cells)))
}

struct Batcher {
    work: SyncSender<Chunk>,
    seq: u64,
    items: Vec<(u64, Vec<u8>, Item)>,
    errors: Vec<RowError>,
    last_id: Option<Vec<u8>>,
    last_was_doc: bool,
    chunk_rows: usize,
}

impl Batcher {
    fn new(work: SyncSender<Chunk>, opts: &BatchOptions) -> Batcher {
        Batcher {
            work,
            seq: 0,
            items: Vec::new(),
            errors: Vec::new(),
            last_id: None,
            last_was_doc: false,
            chunk_rows: opts.chunk_rows.max(1),
        }
    }

    /// A row of text cells (Parquet, a workbook), keyed by its id cell.
    #[cfg_attr(not(any(feature = "parquet", feature = "xlsx")), allow(dead_code))]
    fn push_cells(&mut self, line: u64, id_col: usize, cells: Vec<Result<String, Msg>>) -> Result<(), BatchError> {
        let id = cells.get(id_col).and_then(|c| c.as_ref().ok()).cloned().unwrap_or_default().into_bytes();
        self.push(line, id, Item::Cells(cells))
    }

    fn push(&mut self, line: u64, id: Vec<u8>, item: Item) -> Result<(), BatchError> {
        let id = id.trim_ascii().to_vec();
        let is_doc = matches!(item, Item::Doc(_));
        if let Some(last) = &self.last_id {
            // A facts document holds all of its entity's years: the same id again would pay twice.
            if id == *last && (is_doc || self.last_was_doc) {
                let m = Msg::new("batch-again-after-document").arg("id", String::from_utf8_lossy(&id));
                self.errors.push(RowError::new(line, 0, "id", m));
                return Ok(());
            }
            if id < *last {
                let m = Msg::new("batch-unsorted").arg("id", String::from_utf8_lossy(&id)).arg("before", String::from_utf8_lossy(last));
                self.errors.push(RowError::new(line, 0, "id", m));
                return Ok(());
            }
            // Cut only between entities.
            if id != *last && self.items.len() >= self.chunk_rows {
                self.flush_chunk()?;
            }
        }
        self.last_id = Some(id.clone());
        self.last_was_doc = is_doc;
        self.items.push((line, id, item));
        Ok(())
    }
    /// A CSV block is a chunk of its own (the reader already cut it at an entity boundary).
    fn push_block(&mut self, last_id: Vec<u8>, item: Item) -> Result<(), BatchError> {
        if !self.items.is_empty() {
            self.flush_chunk()?;
        }
        self.items.push((0, Vec::new(), item));
        self.last_id = Some(last_id);
        self.flush_chunk()
    }
    fn flush_chunk(&mut self) -> Result<(), BatchError> {
        let chunk = Chunk { seq: self.seq, items: std::mem::take(&mut self.items), errors: std::mem::take(&mut self.errors) };
        self.seq += 1;
        self.work.send(chunk).map_err(|_| BatchError::Input(Msg::new("batch-workers-stopped")))
    }
    fn flush(mut self) -> Result<(), BatchError> {
        if !self.items.is_empty() || !self.errors.is_empty() {
            self.flush_chunk()?;
        }
        Ok(())
    }
}

fn worker(
    pack: &Pack,
    program: Option<&Program<'_>>,
    opts: &BatchOptions,
    header: Option<&(Vec<Col>, Vec<String>)>,
    rx: &Mutex<Receiver<Chunk>>,
    tx: &SyncSender<ChunkOut>,
) {
    let mut fast = program.map(Fast::new);
    loop {
        let chunk = match rx.lock() {
            Ok(r) => r.recv(),
            Err(_) => return,
        };
        let Ok(chunk) = chunk else { return };
        let out = process(pack, opts, header, chunk, &mut fast);
        if tx.send(out).is_err() {
            return;
        }
    }
}

fn process(
    pack: &Pack,
    opts: &BatchOptions,
    header: Option<&(Vec<Col>, Vec<String>)>,
    chunk: Chunk,
    fast: &mut Option<Fast<'_>>,
) -> ChunkOut {
    let mut out = ChunkOut {
        seq: chunk.seq,
        awards: Vec::with_capacity(64 * 1024),
        totals: Vec::new(),
        errors: chunk.errors,
        budget: Budget::default(),
        rows: 0,
        entities: 0,
        award_count: 0,
        population: opts.collect.then(|| Population::new(pack)),
        budget_lines: std::collections::HashMap::new(),
    };
    let mut group: Vec<Row> = Vec::new();
    let mut group_id: Option<Vec<u8>> = None;
    for (line, id, item) in chunk.items {
        let parsed = match item {
            Item::CsvBlock(lines, block) => {
                if let Some((cols, names)) = header {
                    let b = Block { cols, names, lines: &lines, bytes: &block };
                    match fast {
                        Some(f) => csv_block_fast(pack, opts, &b, &mut out, f),
                        None => csv_block(pack, opts, &b, &mut out, fast),
                    }
                }
                continue;
            }
            Item::Flat(cells) => flat_row(pack, &opts.mapping, line, &cells),
            Item::Cells(cells) => match header {
                Some((cols, names)) => {
                    let bad: Vec<RowError> = cells
                        .iter()
                        .enumerate()
                        .filter_map(|(i, c)| {
                            c.as_ref().err().map(|m| RowError::new(line, i + 1, names.get(i).cloned().unwrap_or_default(), m.clone()))
                        })
                        .collect();
                    if bad.is_empty() {
                        let strs: Vec<Result<&str, ()>> = cells.iter().map(|c| c.as_deref().map_err(|_| ())).collect();
                        parse_row_str(pack, cols, names, line, &strs)
                    } else {
                        Err(bad)
                    }
                }
                None => continue,
            },
            Item::Doc(facts) => {
                out.rows += 1;
                finish_entity(pack, opts, std::mem::take(&mut group), &mut out, fast);
                evaluate_entity(pack, opts, *facts, &mut out, fast);
                continue;
            }
        };
        out.rows += 1;
        if group_id.as_ref().is_some_and(|g| *g != id) {
            finish_entity(pack, opts, std::mem::take(&mut group), &mut out, fast);
        }
        group_id = Some(id);
        match parsed {
            Ok(row) => group.push(row),
            Err(errs) => out.errors.extend(errs),
        }
    }
    finish_entity(pack, opts, group, &mut out, fast);
    out.errors.sort_by_key(|e| (e.line, e.column));
    for ((y, dept, rule_addr), line) in std::mem::take(&mut out.budget_lines) {
        let rule = pack.rules.iter().find(|r| *r as *const Rule as usize == rule_addr);
        let clause = rule.map_or(String::new(), |r| r.clause.clone());
        let paid = dept.map_or(String::new(), |d| pack.departments[d].id.clone());
        out.budget.lines.entry((y, paid, clause)).or_default().merge(&line);
    }
    out
}

/// A block of whole CSV rows as a worker reads it: the header's columns and names, the line
/// number of each row, and the bytes.
struct Block<'a> {
    cols: &'a [Col],
    names: &'a [String],
    lines: &'a [u64],
    bytes: &'a [u8],
}

impl Block<'_> {
    /// The line of the block's row `index` (past the last: the line after it).
    fn line(&self, index: usize) -> u64 {
        self.lines.get(index).copied().unwrap_or_else(|| self.lines.last().map_or(0, |l| l + 1))
    }
}

/// Parses and evaluates one block of whole CSV rows, entity by entity (the reader has put them in
/// id order and kept each entity's rows together).
fn csv_block(pack: &Pack, opts: &BatchOptions, b: &Block<'_>, out: &mut ChunkOut, fast: &mut Option<Fast<'_>>) {
    let (cols, names) = (b.cols, b.names);
    let id_col = cols.iter().position(|c| *c == Col::Id).unwrap_or(0);
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(b.bytes);
    let mut rec = csv::ByteRecord::new();
    let mut group: Vec<Row> = Vec::new();
    let mut current: Option<Vec<u8>> = None;
    let mut index = 0;
    loop {
        let line = b.line(index);
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                out.errors.push(RowError::new(line, 0, "", Msg::new("batch-unreadable-csv").arg("detail", e)));
                index += 1;
                continue;
            }
        }
        index += 1;
        out.rows += 1;
        let id = rec.get(id_col).unwrap_or(b"").trim_ascii();
        if current.as_deref() != Some(id) {
            finish_entity(pack, opts, std::mem::take(&mut group), out, fast);
            current = Some(id.to_vec());
        }
        // One UTF-8 check for the whole record; cell by cell only when it fails, to say where.
        let parsed = if std::str::from_utf8(rec.as_slice()).is_ok() {
            let srec = csv::StringRecord::from_byte_record(std::mem::take(&mut rec)).unwrap_or_default();
            let cells: Vec<Result<&str, ()>> = srec.iter().map(Ok).collect();
            let r = parse_row_str(pack, cols, names, line, &cells);
            drop(cells);
            rec = srec.into_byte_record();
            r
        } else {
            parse_row(pack, cols, names, line, rec.iter())
        };
        match parsed {
            Ok(row) => group.push(row),
            Err(errs) => out.errors.extend(errs),
        }
    }
    finish_entity(pack, opts, group, out, fast);
}

/// [`csv_block`] for the compiled evaluator: each record is read straight into the worker's frame
/// (no row, no facts). An entity with a record the frame reader does not take (a refused cell, a
/// missing id or year, an event without its date, rows that disagree, a cell not in UTF-8) is
/// read again from its bytes by [`csv_block`]'s own reading, so its errors are the same.
fn csv_block_fast(pack: &Pack, opts: &BatchOptions, b: &Block<'_>, out: &mut ChunkOut, fast: &mut Fast<'_>) {
    let id_col = b.cols.iter().position(|c| *c == Col::Id).unwrap_or(0);
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(b.bytes);
    let mut rec = csv::ByteRecord::new();
    // The entity being read: its id, its first record's byte and row index, and whether every
    // record so far went into the frame.
    let mut current: Vec<u8> = Vec::new();
    let mut started = false;
    let (mut start_byte, mut start_index, mut taken) = (0usize, 0usize, true);
    let mut index = 0;
    loop {
        let at = rdr.position().byte() as usize;
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                out.errors.push(RowError::new(b.line(index), 0, "", Msg::new("batch-unreadable-csv").arg("detail", e)));
                index += 1;
                continue;
            }
        }
        let at = rec.position().map_or(at, |p| p.byte() as usize);
        index += 1;
        out.rows += 1;
        let id = rec.get(id_col).unwrap_or(b"").trim_ascii();
        if !started || current != id {
            if started {
                finish_fast(pack, opts, b, (start_byte..at, start_index), taken, out, fast);
            }
            started = true;
            current.clear();
            current.extend_from_slice(id);
            (start_byte, start_index, taken) = (at, index - 1, true);
            fast.frame.clear();
        }
        if taken {
            // One UTF-8 check for the record (a record that fails it goes to the other reading).
            taken = match csv::StringRecord::from_byte_record(std::mem::take(&mut rec)) {
                Ok(srec) => {
                    let ok = fast.add_row(pack, b.cols, &srec);
                    rec = srec.into_byte_record();
                    ok
                }
                Err(e) => {
                    rec = e.into_byte_record();
                    false
                }
            };
        }
    }
    if started {
        finish_fast(pack, opts, b, (start_byte..b.bytes.len(), start_index), taken, out, fast);
    }
}

/// One entity of [`csv_block_fast`], whose rows are `rows` (bytes of the block, index of its
/// first row): evaluated from the frame, or (`taken` false) read again from its bytes as
/// [`csv_block`] reads them (errors of unreadable records were already given).
fn finish_fast(
    pack: &Pack,
    opts: &BatchOptions,
    b: &Block<'_>,
    rows: (std::ops::Range<usize>, usize),
    taken: bool,
    out: &mut ChunkOut,
    fast: &mut Fast<'_>,
) {
    if taken {
        out.entities += 1;
        if let Some(p) = &mut out.population {
            p.push(&fast.frame);
            return;
        }
        if opts.parse_only {
            return;
        }
        write_compiled(pack, opts, fast, out);
        return;
    }
    let (bytes, first_index) = rows;
    // A CSV reader drops a byte-order mark that opens its input; `csv_block`'s reader saw these
    // rows in the middle of the block and kept it, so a line is put in front and skipped.
    let bom = bytes.start > 0 && b.bytes[bytes.clone()].starts_with(b"\xEF\xBB\xBF");
    let input: std::borrow::Cow<'_, [u8]> =
        if bom { [&b"-\n"[..], &b.bytes[bytes]].concat().into() } else { std::borrow::Cow::Borrowed(&b.bytes[bytes]) };
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(&input[..]);
    let mut parsed = Vec::new();
    for (index, rec) in (first_index..).zip(rdr.byte_records().skip(usize::from(bom))) {
        let Ok(rec) = rec else { continue };
        match parse_row(pack, b.cols, b.names, b.line(index), rec.iter()) {
            Ok(row) => parsed.push(row),
            Err(errs) => out.errors.extend(errs),
        }
    }
    finish_entity(pack, opts, parsed, out, &mut None);
}

fn flat_row(pack: &Pack, mapping: &Mapping, line: u64, cells: &[(String, String)]) -> Result<Row, Vec<RowError>> {
    let mut cols = Vec::with_capacity(cells.len());
    let mut names = Vec::with_capacity(cells.len());
    for (i, (k, _)) in cells.iter().enumerate() {
        match resolve(pack, mapping.renames.get(k).map_or(k.as_str(), String::as_str)) {
            Some(c) => {
                cols.push(c);
                names.push(k.clone());
            }
            None => {
                let e = crate::columns::plan(pack, &[k.as_str()], &Mapping::default()).err().and_then(|e| e.into_iter().next());
                let message = e.map_or_else(|| Msg::new("batch-not-a-fact").detail(Msg::new("batch-columns-are")), |e| e.message);
                return Err(vec![RowError::new(line, i + 1, k.clone(), message)]);
            }
        }
    }
    parse_row(pack, &cols, &names, line, cells.iter().map(|(_, v)| v.as_bytes()))
}

fn finish_entity(pack: &Pack, opts: &BatchOptions, rows: Vec<Row>, out: &mut ChunkOut, fast: &mut Option<Fast<'_>>) {
    if rows.is_empty() {
        return;
    }
    if let Some(facts) = entity_facts(pack, rows, &mut out.errors) {
        evaluate_entity(pack, opts, facts, out, fast);
    }
}

fn evaluate_entity(pack: &Pack, opts: &BatchOptions, facts: Facts, out: &mut ChunkOut, fast: &mut Option<Fast<'_>>) {
    out.entities += 1;
    if let Some(p) = &mut out.population {
        match fast {
            Some(f) => p.push_facts(&facts, &mut f.frame),
            None => p.push_facts(&facts, &mut Frame::new(pack)),
        }
        return;
    }
    if opts.parse_only {
        return;
    }
    if let Some(f) = fast {
        f.frame.load(&facts);
        write_compiled(pack, opts, f, out);
        return;
    }
    let ev = evaluate(pack, &facts, &Options { years: opts.years.clone(), trace: false, awards_only: true, only_rules: None });
    let awards = ev.results.iter().filter_map(|r| match r.state {
        State::Awarded { low, high } => Some((r.rule, r.claim_year, low, high, r.budget_year)),
        _ => None,
    });
    write_entity(pack, &facts.entity_id, awards, out);
}

/// Evaluates the entity in the worker's frame with the compiled pack and writes its awards.
fn write_compiled(pack: &Pack, opts: &BatchOptions, fast: &mut Fast<'_>, out: &mut ChunkOut) {
    fast.evaluate(&opts.years);
    let awards = fast.awards.iter().map(|a| (&pack.rules[a.rule], a.claim_year, a.low, a.high, Some(a.budget_year)));
    write_entity(pack, &fast.frame.id, awards, out);
}

/// Writes one entity's awards (rule, claim year, low, high, budget year) and its totals per
/// budget year, and adds them to the chunk's budget: the same for either evaluator.
fn write_entity<'p>(
    pack: &'p Pack,
    id: &str,
    awards: impl Iterator<Item = (&'p Rule, i32, Decimal, Decimal, Option<i32>)>,
    out: &mut ChunkOut,
) {
    // Per budget year, for the entity's totals (a handful of years: a small vector).
    let mut per_year: Vec<(i32, Decimal, Decimal)> = Vec::new();
    for (rule, claim_year, low, high, budget_year) in awards {
        csv_field(&mut out.awards, id);
        let state = State::Awarded { low, high };
        let _ = write!(out.awards, ",{},{},{},{},{},", claim_year, rule.id, rule.clause, rule_kind(rule.kind), state.code_for(rule));
        write_money(&mut out.awards, low);
        out.awards.push(b',');
        if high != UNBOUNDED {
            write_money(&mut out.awards, high);
        }
        out.awards.push(b',');
        if let Some(y) = budget_year {
            let _ = write!(out.awards, "{y}");
        }
        out.awards.push(b',');
        if let Some(d) = rule.paid_by {
            out.awards.extend_from_slice(pack.departments[d].id.as_bytes());
        }
        out.awards.push(b'\n');
        if rule.kind == RuleKind::Award {
            out.award_count += 1;
            if let Some(y) = budget_year {
                // Keyed by indexes here; the strings of a budget line are made once per chunk.
                let key = (y, rule.paid_by, rule as *const Rule as usize);
                out.budget_lines.entry(key).or_default().add(low, high);
                match per_year.iter_mut().find(|(py, _, _)| *py == y) {
                    Some(e) => {
                        e.1 += low;
                        e.2 = if e.2 == UNBOUNDED || high == UNBOUNDED { UNBOUNDED } else { e.2 + high };
                    }
                    None => per_year.push((y, low, high)),
                }
            }
        }
    }
    per_year.sort_by_key(|p| p.0);
    for (y, lo, hi) in per_year {
        csv_field(&mut out.totals, id);
        let _ = write!(out.totals, ",{y},");
        write_money(&mut out.totals, lo);
        out.totals.push(b',');
        if hi != UNBOUNDED {
            write_money(&mut out.totals, hi);
        }
        out.totals.push(b'\n');
    }
}

/// Writes an amount as `200000.00` without an intermediate string (amounts in awards are exact
/// to the fen; anything finer falls back to the general formatting).
fn write_money(out: &mut Vec<u8>, m: Decimal) {
    if m.scale() <= 2 {
        let cents = m.mantissa() * 10i128.pow(2 - m.scale());
        let (sign, c) = if cents < 0 { ("-", -cents) } else { ("", cents) };
        let _ = write!(out, "{sign}{}.{:02}", c / 100, c % 100);
    } else {
        out.extend_from_slice(money_plain(m).as_bytes());
    }
}

fn rule_kind(k: RuleKind) -> &'static str {
    match k {
        RuleKind::Award => "award",
        RuleKind::Limit => "limit",
        RuleKind::Check => "check",
        RuleKind::Score => "score",
    }
}

/// Writes a CSV field, quoted when it must be.
fn csv_field(out: &mut Vec<u8>, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push(b'"');
        out.extend_from_slice(s.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

pub const AWARDS_HEADER: &str = "entity,claim_year,rule,clause,kind,state,low,high,budget_year,paid_by\n";
pub const TOTALS_HEADER: &str = "entity,budget_year,low,high\n";
pub const ERRORS_HEADER: &str = "line,column,field,message\n";

fn is_parquet(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "parquet")
}

/// The award table as Parquet: converted from the finished CSV into a temporary file, renamed
/// into place when complete.
#[cfg(feature = "parquet")]
fn to_parquet(csv: &Path, dst: &Path) -> Result<(), BatchError> {
    let name = dst.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dst.with_file_name(format!(".{name}.partial-pq-{}", std::process::id()));
    if let Err(e) = crate::parquet_io::awards_csv_to_parquet(csv, &tmp) {
        let _ = std::fs::remove_file(&tmp);
        return Err(BatchError::Input(Msg::new("batch-cannot-write").arg("path", dst.display()).arg("detail", e)));
    }
    std::fs::rename(&tmp, dst).map_err(io(dst))
}

#[cfg(not(feature = "parquet"))]
fn to_parquet(_: &Path, dst: &Path) -> Result<(), BatchError> {
    Err(BatchError::Input(Msg::new("batch-parquet-output").arg("path", dst.display())))
}

/// Output files under temporary names until the run is known to have succeeded.
struct TempOutputs {
    files: Vec<(PathBuf, PathBuf, std::io::BufWriter<std::fs::File>, Which)>,
    /// Temporary files being finished (removed on drop if they were not renamed).
    pending: Vec<PathBuf>,
    lang: Lang,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Awards,
    Totals,
    Errors,
}

impl TempOutputs {
    fn create(out: &Outputs) -> Result<TempOutputs, BatchError> {
        let mut files = Vec::new();
        for (p, w, header) in [
            (&out.awards, Which::Awards, AWARDS_HEADER),
            (&out.totals, Which::Totals, TOTALS_HEADER),
            (&out.errors, Which::Errors, ERRORS_HEADER),
        ] {
            let Some(p) = p else { continue };
            if is_parquet(p) && (w != Which::Awards || cfg!(not(feature = "parquet"))) {
                return Err(BatchError::Input(Msg::new("batch-parquet-output").arg("path", p.display())));
            }
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let tmp = p.with_file_name(format!(".{name}.partial-{}", std::process::id()));
            let f = std::fs::File::create(&tmp).map_err(io(&tmp))?;
            let mut w2 = std::io::BufWriter::with_capacity(1 << 20, f);
            if out.bom && !is_parquet(p) {
                w2.write_all(b"\xef\xbb\xbf").map_err(io(&tmp))?;
            }
            w2.write_all(header.as_bytes()).map_err(io(&tmp))?;
            files.push((p.clone(), tmp, w2, w));
        }
        Ok(TempOutputs { files, pending: Vec::new(), lang: out.lang })
    }
    fn write(&mut self, o: &ChunkOut) -> Result<(), BatchError> {
        for (_, tmp, w, which) in &mut self.files {
            let r = match which {
                Which::Awards => w.write_all(&o.awards),
                Which::Totals => w.write_all(&o.totals),
                Which::Errors => {
                    let mut buf = Vec::new();
                    for e in &o.errors {
                        let _ = write!(buf, "{},{},", e.line, e.column);
                        csv_field(&mut buf, &e.field);
                        buf.push(b',');
                        csv_field(&mut buf, &e.message_text(self.lang));
                        buf.push(b'\n');
                    }
                    w.write_all(&buf)
                }
            };
            r.map_err(io(tmp))?;
        }
        Ok(())
    }
    /// Flushes and syncs every file first; only then puts them in place (Parquet converted). On any
    /// error nothing further is renamed and the temporary files are removed (by `Drop`).
    fn finish(mut self) -> Result<(), BatchError> {
        let mut ready = Vec::new();
        for (dst, tmp, w, _) in std::mem::take(&mut self.files) {
            ready.push((dst, tmp.clone()));
            self.pending.push(tmp.clone());
            let f = w.into_inner().map_err(|e| BatchError::Io { path: tmp.display().to_string(), source: e.into_error() })?;
            f.sync_all().map_err(io(&tmp))?;
        }
        for (dst, tmp) in ready {
            if is_parquet(&dst) {
                to_parquet(&tmp, &dst)?;
            } else {
                std::fs::rename(&tmp, &dst).map_err(io(&dst))?;
            }
        }
        Ok(())
    }
    /// Strict failure: keep the error report, drop every result.
    fn finish_errors_only(mut self) -> Result<(), BatchError> {
        for (dst, tmp, w, which) in std::mem::take(&mut self.files) {
            self.pending.push(tmp.clone());
            if which == Which::Errors {
                let f = w.into_inner().map_err(|e| BatchError::Io { path: tmp.display().to_string(), source: e.into_error() })?;
                f.sync_all().map_err(io(&tmp))?;
                std::fs::rename(&tmp, &dst).map_err(io(&dst))?;
            }
        }
        Ok(())
    }
    fn abandon(self) {
        // `Drop` removes every temporary file.
    }
}

impl Drop for TempOutputs {
    /// Whatever happened (an error, a panic in a worker), no temporary file is left behind.
    fn drop(&mut self) {
        for (_, tmp, _, _) in self.files.drain(..) {
            let _ = std::fs::remove_file(&tmp);
        }
        for tmp in self.pending.drain(..) {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}
