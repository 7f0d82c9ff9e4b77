package dev.vggstream.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The suite's outputs: report.md (goals table first), results.csv, chart.png. */
final class BenchReport {

    private BenchReport() {
    }

    static void write(Path dir, List<Goal> goals, List<String[]> rows, List<Chart.Panel> panels,
                      Map<String, String> notes) throws IOException {
        List<String> md = new ArrayList<>();
        md.add("# vggstream benchmark");
        md.add("");
        md.add("Machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, " + BenchSuite.cpuName() + ".");
        notes.forEach((k, v) -> md.add("- " + k + ": " + v));
        md.add("");
        md.add(goalsTable(goals));
        md.add("");
        md.add("## All measurements");
        md.add("");
        md.add("| group | what | run | images/s | mean batch | p50 ms | p99 ms | images |");
        md.add("|---|---|---|---:|---:|---:|---:|---:|");
        for (String[] r : rows) {
            md.add("| " + String.join(" | ", r) + " |");
        }
        md.add("");
        md.add("![chart](chart.png)");
        Files.write(dir.resolve("report.md"), md, StandardCharsets.UTF_8);
        List<String> csv = new ArrayList<>();
        csv.add("group,what,run,images_per_second,mean_batch,p50_ms,p99_ms,images");
        for (String[] r : rows) {
            csv.add(String.join(",", quote(r)));
        }
        Files.write(dir.resolve("results.csv"), csv, StandardCharsets.UTF_8);
        Chart.write(dir.resolve("chart.png"), "vggstream benchmark", panels);
    }

    static String goalsTable(List<Goal> goals) {
        StringBuilder b = new StringBuilder("| goal | measured | target | |\n|---|---:|---:|:-:|\n");
        for (Goal g : goals) {
            b.append("| ").append(g.item()).append(" | ").append(g.measured()).append(" | ").append(g.target())
                    .append(" | ").append(g.mark()).append(" |\n");
        }
        return b.toString();
    }

    private static String[] quote(String[] r) {
        String[] out = new String[r.length];
        for (int i = 0; i < r.length; i++) {
            out[i] = r[i].contains(",") ? "\"" + r[i] + "\"" : r[i];
        }
        return out;
    }
}
