package io.verdant.jobs.report;

import java.util.List;

/**
 * index.html: a plain page (inline CSS, no script, nothing fetched from elsewhere) with a contents
 * list.
 */
final class HtmlPage {
  static final String FILE = "index.html";
  private static final String CSS =
      """
      body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #111; background: #fff;
             margin: 0 auto; max-width: 960px; padding: 16px 24px 48px; line-height: 1.4; }
      h1 { font-size: 26px; margin: 8px 0 4px; }
      h2 { font-size: 21px; border-bottom: 2px solid #333; padding-bottom: 3px; margin-top: 36px; }
      h3 { font-size: 17px; margin: 20px 0 6px; }
      .meta { color: #333; font-size: 14px; margin: 0 0 8px; }
      nav ol { margin: 4px 0; padding-left: 22px; }
      table { border-collapse: collapse; font-size: 13px; margin: 8px 0 12px; }
      th, td { border: 1px solid #999; padding: 3px 6px; text-align: left; vertical-align: top; }
      th { background: #e8e8e8; }
      td:first-child { white-space: nowrap; }
      td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
      .wide { overflow-x: auto; }
      details { margin: 6px 0; }
      summary { font-weight: bold; cursor: default; }
      figure { margin: 14px 0 22px; }
      figure img { display: block; max-width: 100%; height: auto; border: 1px solid #ccc; }
      figcaption { font-size: 14px; color: #333; margin-top: 4px; }
      .error { color: #900; font-weight: bold; }
      """;

  private HtmlPage() {}

  static String render(
      String reportRunId, String createdAt, ReportData data, List<Section.Rendered> sections) {
    StringBuilder b =
        new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .append("<title>Verdant report ")
            .append(Html.escape(reportRunId))
            .append("</title>\n")
            .append("<style>\n")
            .append(CSS)
            .append("</style>\n</head>\n<body>\n<header>\n<h1>Verdant report</h1>\n")
            .append("<p class=\"meta\">")
            .append(data.runs().size())
            .append(" run(s) from the ledger ")
            .append(Html.escape(data.ledger()))
            .append("; written ")
            .append(Html.escape(createdAt))
            .append(" (report ")
            .append(Html.escape(reportRunId))
            .append("). Every charted number is in ")
            .append(ReportNumbers.FILE)
            .append(".</p>\n<nav><ol>\n");
    for (Section.Rendered s : sections) {
      b.append("<li><a href=\"#")
          .append(s.id())
          .append("\">")
          .append(Html.escape(s.title()))
          .append("</a></li>\n");
    }
    b.append("</ol></nav>\n</header>\n<main>\n");
    for (Section.Rendered s : sections) {
      b.append("<section id=\"")
          .append(s.id())
          .append("\">\n<h2>")
          .append(Html.escape(s.title()))
          .append("</h2>\n")
          .append("<div class=\"wide\">\n")
          .append(s.body())
          .append("</div>\n</section>\n");
    }
    return b.append("</main>\n</body>\n</html>\n").toString();
  }
}
