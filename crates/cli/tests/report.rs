//! `qiangke report` end to end, and the HTML it writes rendered in a real headless Chromium
//! (Debian's `chromium`, installed by scripts/test when missing): the page loads, shows its
//! sections, and a screenshot is written.

use std::path::Path;
use std::process::Command;

#[test]
fn the_report_renders_in_headless_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = std::env::temp_dir().join(format!("qiangke-report-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let o = Command::new(env!("CARGO_BIN_EXE_qiangke"))
        .current_dir(&root)
        .args(["report", "packs/wuwei-2022", "--year", "2023", "--observations", "packs/wuwei-2022/examples/observations.csv"])
        .args(["--updates", "packs/wuwei-2022/examples/task-updates.csv", "--out-dir", dir.to_str().expect("utf-8")])
        .output()
        .expect("qiangke runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(dir.join("report.html")).expect("report.html");
    // 科技进步贡献率 60 in 2023 against 55.35 → 65: 48.19% of the way, path 50%.
    assert!(html.contains("<td>48.19%</td><td>50.00%</td>"), "the report shows the hand-computed progress");
    assert!(
        std::fs::read_to_string(dir.join("progress.csv"))
            .expect("csv")
            .contains("tech-progress-contribution,1,科技进步贡献率,%,55.35,2021,58,65,60,2023,0.481865,0.5,behind,true,2.5,0.040833,")
    );
    let url = format!("file://{}", dir.join("report.html").display());
    let shot = dir.join("report.png");
    let profile = dir.join("chromium-profile");
    let flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1200,2400",
    ];
    let run = |extra: &[&str]| {
        Command::new("chromium")
            .args(flags)
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(extra)
            .arg(&url)
            .output()
            .expect("Debian's chromium is installed (scripts/test installs it)")
    };
    let o = run(&[&format!("--screenshot={}", shot.display())]);
    assert!(o.status.success(), "chromium failed: {}", String::from_utf8_lossy(&o.stderr));
    let png = std::fs::read(&shot).expect("the screenshot");
    assert!(png.len() > 10_000 && png.starts_with(b"\x89PNG"), "a real screenshot ({} bytes)", png.len());
    // The DOM the browser built has every section (the page parsed, nothing was cut off).
    let o = run(&["--dump-dom"]);
    let dom = String::from_utf8_lossy(&o.stdout);
    for section in ["主要指标进展", "县区评价和考核", "重点任务", "责任单位", "缺少的数据"] {
        assert!(dom.contains(section), "the rendered page lacks {section}");
    }
    assert!(dom.contains("<svg"), "the charts are rendered SVG");
    std::fs::remove_dir_all(&dir).expect("cleanup");
}
