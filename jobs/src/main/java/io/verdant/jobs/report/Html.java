package io.verdant.jobs.report;

import java.util.List;

/** Small HTML helpers: escaping and tables. */
final class Html {
  private Html() {}

  static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * A table: a header row, then the rows; cells are escaped; columns listed in {@code numeric}
   * align right.
   */
  static String table(List<String> header, List<List<String>> rows, List<Integer> numeric) {
    StringBuilder b = new StringBuilder("<table>\n<thead><tr>");
    for (int i = 0; i < header.size(); i++) {
      b.append(cell("th", header.get(i), numeric.contains(i)));
    }
    b.append("</tr></thead>\n<tbody>\n");
    for (List<String> row : rows) {
      b.append("<tr>");
      for (int i = 0; i < row.size(); i++) {
        b.append(cell("td", row.get(i), numeric.contains(i)));
      }
      b.append("</tr>\n");
    }
    return b.append("</tbody>\n</table>\n").toString();
  }

  private static String cell(String tag, String text, boolean numeric) {
    return "<" + tag + (numeric ? " class=\"num\"" : "") + ">" + escape(text) + "</" + tag + ">";
  }

  static String paragraph(String text) {
    return "<p>" + escape(text) + "</p>\n";
  }
}
