package io.verdant.datasets.catalog;

/**
 * One file of a catalog dataset, as stored in the cache: uncompressed, with its exact size and
 * SHA-256. Checksums are of the decompressed content, so plain and gzipped copies from any mirror
 * verify alike.
 */
public record DatasetFile(String role, String name, long bytes, String sha256) {}
