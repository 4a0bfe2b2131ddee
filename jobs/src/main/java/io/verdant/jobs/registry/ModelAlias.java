package io.verdant.jobs.registry;

import io.verdant.common.JsonRecord;

/**
 * An alias of a model, {@code <registry>/<name>/aliases/<alias>.json}: the version it points at,
 * replaced atomically when it moves.
 */
@JsonRecord
public record ModelAlias(String name, String alias, int version, String updatedAt) {}
