package io.verdant.jobs.registry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An alias of a model, {@code <registry>/<name>/aliases/<alias>.json}: the version it points at,
 * replaced atomically when it moves.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelAlias(String name, String alias, int version, String updatedAt) {}
