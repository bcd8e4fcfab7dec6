package dev.ember.common.hardware;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Regions Ember's inventory knows, each in one mega-region (GLOBAL is all of them). */
public enum Region {

    US_IOWA_1(MegaRegion.US), US_VIRGINIA_1(MegaRegion.US), US_TEXAS_1(MegaRegion.US), EU_FRANKFURT_1(
            MegaRegion.EUROPE), EU_ICELAND_1(MegaRegion.EUROPE), AP_TOKYO_1(MegaRegion.APAC);

    public enum MegaRegion {

        GLOBAL, US, EUROPE, APAC;

        public List<Region> regions() {
            return Arrays.stream(Region.values()).filter(r -> this == GLOBAL || r.megaRegion == this).toList();
        }

        public static Optional<MegaRegion> find(String name) {
            return Arrays.stream(values()).filter(m -> m.name().equals(name)).findFirst();
        }
    }

    private final MegaRegion megaRegion;

    Region(MegaRegion megaRegion) {
        this.megaRegion = megaRegion;
    }

    public MegaRegion megaRegion() {
        return megaRegion;
    }

    public static Optional<Region> find(String name) {
        return Arrays.stream(values()).filter(r -> r.name().equals(name)).findFirst();
    }

    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(Enum::name).toList());
    }
}
