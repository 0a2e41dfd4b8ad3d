//! Parquet input and output (feature `parquet`): the same rows as CSV give the same awards, exact
//! decimals and dates are read as such, and a fractional float is refused rather than rounded.
#![cfg(feature = "parquet")]

use arrow_array::{ArrayRef, BooleanArray, Date32Array, Decimal128Array, Float64Array, Int32Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use qiangke_batch::{BatchOptions, Outputs, run_file};
use std::sync::Arc;

#[test]
fn parquet_in_and_out() {
    let pack = qiangke_rules::load_pack(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022")).expect("pack");
    let dir = std::env::temp_dir().join(format!("qiangke-parquet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let input = dir.join("pop.parquet");
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Utf8, false),
        Field::new("year", DataType::Int32, false),
        Field::new("kind", DataType::Utf8, true),
        Field::new("above_scale", DataType::Boolean, true),
        Field::new("rd_expenditure", DataType::Decimal128(20, 2), true),
        Field::new("high_value_patents", DataType::Float64, true),
        Field::new("recognition.date", DataType::Date32, true),
        Field::new("recognition.kind", DataType::Utf8, true),
        Field::new("recognition.renewal", DataType::Boolean, true),
        // The R&D tiers need a super-deduction claim on the year (note rd-list-from-super-deduction).
        Field::new("super_deduction_amount", DataType::Decimal128(20, 2), true),
    ]));
    // 2023-05-10 is day 19487 since 1970-01-01.
    let cols: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(vec!["E1", "E2", "E3"])),
        Arc::new(Int32Array::from(vec![2023, 2023, 2023])),
        Arc::new(StringArray::from(vec![Some("enterprise"), Some("enterprise"), Some("enterprise")])),
        Arc::new(BooleanArray::from(vec![Some(true), Some(false), Some(true)])),
        Arc::new(
            Decimal128Array::from(vec![Some(1_500_000_000), None, Some(499_999_999)]).with_precision_and_scale(20, 2).expect("decimal"),
        ),
        Arc::new(Float64Array::from(vec![Some(7.0), None, Some(2.5)])),
        Arc::new(Date32Array::from(vec![None, Some(19_487), None])),
        Arc::new(StringArray::from(vec![None, Some("high_tech"), None])),
        Arc::new(BooleanArray::from(vec![None, Some(false), None])),
        Arc::new(Decimal128Array::from(vec![Some(30_000_000), None, None]).with_precision_and_scale(20, 2).expect("decimal")),
    ];
    let batch = RecordBatch::try_new(schema.clone(), cols).expect("batch");
    let mut w = parquet::arrow::ArrowWriter::try_new(std::fs::File::create(&input).expect("create"), schema, None).expect("writer");
    w.write(&batch).expect("write");
    w.close().expect("close");

    let out = dir.join("awards.parquet");
    let s = run_file(&pack, &input, &BatchOptions::default(), &Outputs { awards: Some(out.clone()), ..Outputs::default() }).expect("run");
    // E3's 2.5 patents is a fractional float: refused, located at row 3, column 6.
    assert_eq!(s.bad_rows, 1, "{:?}", s.first_errors);
    let e = &s.first_errors[0];
    assert_eq!((e.line, e.column, e.field.as_str()), (3, 6, "high_value_patents"));
    assert!(e.message.to_string().contains("binary float"), "{}", e.message);
    // E1: 15,000,000.00 yuan of R&D with a 30万元 super-deduction claim → 20万元 (2024 budget, note
    // rd-spending-year); 7 high-value patents → 7万元 (2024 budget).
    // E2: new high-tech enterprise on 2023-05-10 → 20万元 (2024 budget).
    let f = std::fs::File::open(&out).expect("output");
    let rdr = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f).expect("parquet").build().expect("reader");
    let mut got = Vec::new();
    for b in rdr {
        let b = b.expect("batch");
        let ent = b.column(0).as_any().downcast_ref::<StringArray>().expect("entity");
        let rule = b.column(2).as_any().downcast_ref::<StringArray>().expect("rule");
        let low = b.column(6).as_any().downcast_ref::<Decimal128Array>().expect("low");
        for i in 0..b.num_rows() {
            got.push((ent.value(i).to_string(), rule.value(i).to_string(), low.value(i)));
        }
    }
    got.sort();
    assert_eq!(
        got,
        vec![
            ("E1".to_string(), "high-value-patents".to_string(), 7_000_000),
            ("E1".to_string(), "rd-spend-tiers".to_string(), 20_000_000),
            ("E2".to_string(), "high-tech-new".to_string(), 20_000_000),
        ]
    );
    std::fs::remove_dir_all(dir).expect("cleanup");
}
