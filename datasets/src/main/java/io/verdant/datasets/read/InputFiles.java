package io.verdant.datasets.read;

import io.verdant.common.Checksums;
import io.verdant.common.VerdantException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/** Checks on input paths before Spark reads them, and their descriptions for the manifest. */
final class InputFiles {
  private InputFiles() {}

  /** Fails unless {@code path} is an existing file (text formats read exactly one file). */
  static void requireFile(String path, String format, Configuration conf) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        throw VerdantException.of("%s: file not found", path);
      }
      if (fs.getFileStatus(p).isDirectory()) {
        throw VerdantException.of("%s: is a directory; --format %s reads one file", path, format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path, e);
    }
  }

  /** Fails unless {@code path} exists (a file or a folder). */
  static void requireExists(String path, Configuration conf) {
    try {
      Path p = new Path(path);
      if (!p.getFileSystem(conf).exists(p)) {
        throw VerdantException.of("%s: file not found", path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path, e);
    }
  }

  /**
   * The first line of a text file (decompressed by its extension, e.g. .gz), or null when the file
   * is empty.
   */
  static String firstLine(String path, Configuration conf) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(conf);
      CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(p);
      InputStream raw = fs.open(p);
      InputStream in = codec == null ? raw : codec.createInputStream(raw);
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        return r.readLine();
      }
    } catch (IOException e) {
      throw VerdantException.of("%s: cannot read: %s", path, e.getMessage());
    }
  }

  /**
   * The data files of an input (the file itself, or the files of a folder, hidden and _ files
   * skipped), described for the manifest.
   */
  static List<SourceFile> describe(String role, String path, Configuration conf) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(conf);
      FileStatus st = fs.getFileStatus(p);
      List<SourceFile> out = new ArrayList<>();
      if (!st.isDirectory()) {
        out.add(describe(fs, role, st));
        return out;
      }
      List<LocatedFileStatus> files = new ArrayList<>();
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(p, true);
      while (it.hasNext()) {
        LocatedFileStatus f = it.next();
        if (isDataFile(p, f.getPath())) {
          files.add(f);
        }
      }
      files.sort((a, b) -> a.getPath().toString().compareTo(b.getPath().toString()));
      for (LocatedFileStatus f : files) {
        out.add(describe(fs, role, f));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path, e);
    }
  }

  private static boolean isDataFile(Path root, Path f) {
    for (Path x = f; x != null && !x.equals(root); x = x.getParent()) {
      String n = x.getName();
      if (n.startsWith(".") || n.startsWith("_")) {
        return false;
      }
    }
    return true;
  }

  private static SourceFile describe(FileSystem fs, String role, FileStatus st) throws IOException {
    try (InputStream in = fs.open(st.getPath())) {
      return new SourceFile(
          role, fs.makeQualified(st.getPath()).toString(), st.getLen(), Checksums.sha256(in));
    }
  }
}
