package io.kvr.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stream override over application over defaults, field by field. */
class AppPolicyTest {
    private static final PolicyDefaults DEFAULTS = new PolicyDefaults(2000, "kvr/");

    private static AppPolicy policy(PolicySettings app, Map<String, PolicySettings> streams) {
        return new AppPolicy("live", app, streams, 0, "");
    }

    @Test
    void defaultsWhereNothingIsSet() {
        assertThat(policy(PolicySettings.INHERIT, Map.of()).effective("door", DEFAULTS))
                .isEqualTo(new EffectivePolicy(true, 2000, 0, "kvr/"));
        assertThat(EffectivePolicy.of(DEFAULTS)).isEqualTo(new EffectivePolicy(true, 2000, 0, "kvr/"));
    }

    @Test
    void applicationSettingsApplyToEveryStream() {
        AppPolicy p = policy(new PolicySettings(false, 4000L, 60_000L, "archive"), Map.of());
        assertThat(p.effective("door", DEFAULTS)).isEqualTo(new EffectivePolicy(false, 4000, 60_000, "archive/"));
        assertThat(p.effective("yard", DEFAULTS)).isEqualTo(new EffectivePolicy(false, 4000, 60_000, "archive/"));
    }

    @Test
    void aStreamOverrideReplacesOnlyTheFieldsItSets() {
        AppPolicy p = policy(
                new PolicySettings(false, 4000L, 60_000L, "archive"),
                Map.of(
                        "door",
                        new PolicySettings(true, null, 0L, null),
                        "yard",
                        new PolicySettings(null, null, null, "")));
        assertThat(p.effective("door", DEFAULTS)).isEqualTo(new EffectivePolicy(true, 4000, 0, "archive/"));
        assertThat(p.effective("yard", DEFAULTS))
                .as("empty prefix: keys start at app/")
                .isEqualTo(new EffectivePolicy(false, 4000, 60_000, ""));
        assertThat(p.effective("gate", DEFAULTS)).isEqualTo(new EffectivePolicy(false, 4000, 60_000, "archive/"));
    }

    @Test
    void anOverrideOverInheritedApplicationFieldsFallsBackToDefaults() {
        AppPolicy p = policy(PolicySettings.INHERIT, Map.of("door", new PolicySettings(false, 10_000L, null, null)));
        assertThat(p.effective("door", DEFAULTS)).isEqualTo(new EffectivePolicy(false, 10_000, 0, "kvr/"));
        assertThat(p.effective("yard", DEFAULTS)).isEqualTo(new EffectivePolicy(true, 2000, 0, "kvr/"));
    }
}
