package io.verdant.datasets.read;

/** A file an ingest read, as recorded in the manifest. */
public record SourceFile(String role, String path, long bytes, String sha256) {}
