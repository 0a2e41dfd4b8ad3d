//! Parquet input and output (cargo feature `parquet`, off by default: the dependency is heavy).
//!
//! Input columns are read as text cells and go through the same checks as CSV cells. Exact types
//! only: strings, integers, booleans, dates, decimals; a float column is accepted only where its
//! values are whole numbers, since a binary float cannot hold money exactly. Output is the award
//! table with money as `Decimal128(38, 2)` (exact), an empty high end as null.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Decimal128Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, Decimal128Array, Int32Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use qiangke_i18n::Msg;
use std::path::Path;
use std::sync::Arc;

/// Opens a Parquet file: its column names and a reader of record batches.
pub fn open(path: &Path) -> Result<(Vec<String>, ParquetRecordBatchReader), String> {
    let f = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let b = ParquetRecordBatchReaderBuilder::try_new(f).map_err(|e| format!("{}: not a readable Parquet file: {e}", path.display()))?;
    let names = b.schema().fields().iter().map(|f| f.name().clone()).collect();
    let r = b.with_batch_size(8192).build().map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((names, r))
}

/// The cells of every row of a batch as text (`Err` for a value that has no exact text).
pub fn rows(batch: &RecordBatch) -> Vec<Vec<Result<String, Msg>>> {
    let n = batch.num_rows();
    let mut rows: Vec<Vec<Result<String, Msg>>> = (0..n).map(|_| Vec::with_capacity(batch.num_columns())).collect();
    for col in batch.columns() {
        for (i, row) in rows.iter_mut().enumerate() {
            row.push(cell(col, i));
        }
    }
    rows
}

fn cell(a: &ArrayRef, i: usize) -> Result<String, Msg> {
    if a.is_null(i) {
        return Ok(String::new());
    }
    Ok(match a.data_type() {
        DataType::Utf8 => a.as_string::<i32>().value(i).to_string(),
        DataType::LargeUtf8 => a.as_string::<i64>().value(i).to_string(),
        DataType::Utf8View => a.as_string_view().value(i).to_string(),
        DataType::Boolean => a.as_boolean().value(i).to_string(),
        DataType::Int8 => a.as_primitive::<Int8Type>().value(i).to_string(),
        DataType::Int16 => a.as_primitive::<Int16Type>().value(i).to_string(),
        DataType::Int32 => a.as_primitive::<Int32Type>().value(i).to_string(),
        DataType::Int64 => a.as_primitive::<Int64Type>().value(i).to_string(),
        DataType::UInt8 => a.as_primitive::<UInt8Type>().value(i).to_string(),
        DataType::UInt16 => a.as_primitive::<UInt16Type>().value(i).to_string(),
        DataType::UInt32 => a.as_primitive::<UInt32Type>().value(i).to_string(),
        DataType::UInt64 => a.as_primitive::<UInt64Type>().value(i).to_string(),
        DataType::Float32 => whole(a.as_primitive::<Float32Type>().value(i) as f64)?,
        DataType::Float64 => whole(a.as_primitive::<Float64Type>().value(i))?,
        DataType::Decimal128(_, scale) if *scale < 0 => return Err(Msg::new("parquet-negative-scale").arg("scale", scale)),
        DataType::Decimal128(_, scale) => {
            let v = a.as_primitive::<Decimal128Type>().value(i);
            rust_decimal::Decimal::try_from_i128_with_scale(v, *scale as u32)
                .map_err(|e| Msg::new("parquet-decimal-range").arg("detail", e))?
                .to_string()
        }
        DataType::Date32 => days_to_date(a.as_primitive::<arrow_array::types::Date32Type>().value(i) as i64),
        other => return Err(Msg::new("parquet-type").arg("type", other)),
    })
}

/// A float is accepted only as a whole number (a count, or yuan without fen).
fn whole(x: f64) -> Result<String, Msg> {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 9.0e15 {
        Ok(format!("{}", x as i64))
    } else {
        Err(Msg::new("parquet-float").arg("value", x))
    }
}

/// Days since 1970-01-01 → `YYYY-MM-DD` (a day outside the years 1–9999 is written as its
/// number, which the date check then refuses).
fn days_to_date(days: i64) -> String {
    qiangke_rules::value::Date::from_days_since_1970(days).map_or_else(|| format!("day {days} since 1970"), |d| d.to_string())
}

/// Converts the award table written as CSV into Parquet, a batch at a time.
pub fn awards_csv_to_parquet(csv_path: &Path, dst: &Path) -> Result<(), String> {
    let money = || DataType::Decimal128(38, 2);
    let schema = Arc::new(Schema::new(vec![
        Field::new("entity", DataType::Utf8, false),
        Field::new("claim_year", DataType::Int32, false),
        Field::new("rule", DataType::Utf8, false),
        Field::new("clause", DataType::Utf8, false),
        Field::new("kind", DataType::Utf8, false),
        Field::new("state", DataType::Utf8, false),
        Field::new("low", money(), false),
        Field::new("high", money(), true),
        Field::new("budget_year", DataType::Int32, true),
        Field::new("paid_by", DataType::Utf8, true),
    ]));
    let out = std::fs::File::create(dst).map_err(|e| format!("{}: {e}", dst.display()))?;
    let mut w = ArrowWriter::try_new(out, schema.clone(), None).map_err(|e| e.to_string())?;
    let mut rdr = csv::Reader::from_path(csv_path).map_err(|e| e.to_string())?;
    let fen = |s: &str| -> Result<Option<i128>, String> {
        if s.is_empty() {
            return Ok(None);
        }
        let d: rust_decimal::Decimal = s.parse().map_err(|_| format!("bad amount `{s}`"))?;
        let mut d = d;
        d.rescale(2);
        Ok(Some(d.mantissa()))
    };
    let mut rows: Vec<csv::StringRecord> = Vec::with_capacity(65_536);
    let flush = |rows: &mut Vec<csv::StringRecord>, w: &mut ArrowWriter<std::fs::File>| -> Result<(), String> {
        if rows.is_empty() {
            return Ok(());
        }
        let text = |k: usize| -> ArrayRef { Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r[k].to_string()))) };
        let opt_text =
            |k: usize| -> ArrayRef { Arc::new(StringArray::from_iter(rows.iter().map(|r| (!r[k].is_empty()).then(|| r[k].to_string())))) };
        let int = |k: usize| -> ArrayRef { Arc::new(Int32Array::from_iter(rows.iter().map(|r| r[k].parse::<i32>().ok()))) };
        let dec = |k: usize| -> Result<ArrayRef, String> {
            let v: Result<Vec<Option<i128>>, String> = rows.iter().map(|r| fen(&r[k])).collect();
            Ok(Arc::new(Decimal128Array::from(v?).with_precision_and_scale(38, 2).map_err(|e| e.to_string())?))
        };
        let cols = vec![text(0), int(1), text(2), text(3), text(4), text(5), dec(6)?, dec(7)?, int(8), opt_text(9)];
        let batch = RecordBatch::try_new(schema.clone(), cols).map_err(|e| e.to_string())?;
        w.write(&batch).map_err(|e| e.to_string())?;
        rows.clear();
        Ok(())
    };
    for r in rdr.records() {
        rows.push(r.map_err(|e| e.to_string())?);
        if rows.len() == 65_536 {
            flush(&mut rows, &mut w)?;
        }
    }
    flush(&mut rows, &mut w)?;
    w.close().map_err(|e| e.to_string())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_days() {
        assert_eq!(days_to_date(0), "1970-01-01");
        // 2024-02-29 is day 19782.
        assert_eq!(days_to_date(19_782), "2024-02-29");
        assert_eq!(days_to_date(-1), "1969-12-31");
    }

    #[test]
    fn floats_only_as_whole_numbers() {
        assert_eq!(whole(1500.0), Ok("1500".into()));
        assert!(whole(0.1).is_err());
    }
}
