package io.verdant.datasets.read;

/**
 * What is wrong with one row of a tabular input, found while parsing it. The scan adds the file and
 * the line (or row) number; {@code column} is 1-based, 0 when the defect is not about one column.
 */
final class RowDefect extends Exception {
  final int column;
  final String columnName;

  RowDefect(String detail) {
    this(0, null, detail);
  }

  RowDefect(int column, String columnName, String detail) {
    super(detail, null, false, false);
    this.column = column;
    this.columnName = columnName;
  }

  /** {@code <file> line 7, column 3 (petal_length): <detail>}. */
  String describe(String file, String unit, long number) {
    return where(file, unit, number, column, columnName) + ": " + getMessage();
  }

  /**
   * {@code <file> line 7, column 3 (petal_length)}; without a column number, the name is shown as
   * given ({@code <file> line 7, feature 3}, {@code <file> row 7, column "features"}).
   */
  static String where(String file, String unit, long number, int column, String columnName) {
    StringBuilder sb = new StringBuilder(file).append(' ').append(unit).append(' ').append(number);
    if (column > 0) {
      sb.append(", column ").append(column);
    }
    if (columnName != null) {
      sb.append(column > 0 ? " (" + columnName + ")" : ", " + columnName);
    }
    return sb.toString();
  }
}
