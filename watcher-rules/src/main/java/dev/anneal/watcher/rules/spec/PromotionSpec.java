package dev.anneal.watcher.rules.spec;

import java.util.Optional;

/**
 * A pack's promotion condition: PROMOTE when no alert is firing and the last {@code consecutive}
 * records matching {@code select} all satisfied {@code condition} (for example, N consecutive
 * passing rehearsals, townlet's {@code required_passes}).
 */
public record PromotionSpec(String description, SelectorSpec select, Expr condition,
                            ExtentSpec consecutive, Optional<Expr> reason, Loc loc) {
}
