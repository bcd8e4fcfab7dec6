package dev.ember.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServiceProcessTest {

    @Test
    void servicesRunWithTheDefaultOptionsUnlessEmberJavaOptsNamesOthers() {
        assertThat(ServiceProcess.jvmOptions(null)).containsExactly("-Xmx768m", "-XX:+UseSerialGC");
        assertThat(ServiceProcess.jvmOptions("  ")).containsExactly("-Xmx768m", "-XX:+UseSerialGC");

        assertThat(ServiceProcess.jvmOptions(" -Xmx2g  -XX:+UseParallelGC\t-Xlog:gc:file=/tmp/gc-%p.log "))
                .containsExactly("-Xmx2g", "-XX:+UseParallelGC", "-Xlog:gc:file=/tmp/gc-%p.log");
    }
}
