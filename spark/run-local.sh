#!/usr/bin/env bash
# Runs the Spark batch job on this machine, Spark in local mode (no cluster), from a fresh clone:
#   spark/run-local.sh batch --input sample-images --output out-spark --preset sobel-x --mode same
# takes batch's options (see `java -jar target/convolve2d-cli.jar batch --help`) plus --files-per-task N.
# SPARK_MASTER (default local[2]) sets Spark's master, SPARK_DRIVER_MEMORY (default 2g) the heap.
# Builds what is missing (the root project into Maven's local repository, then this module); Spark's jars come
# from Maven Central on the first run (about 190 MB).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
# builds run in the project's folder; the job runs in the caller's, where its relative paths are
jar="$here/target/convolve2d-spark.jar"
if [ ! -f "$jar" ] || [ -n "$(cd "$root" && find src spark/src pom.xml spark/pom.xml -newer "$jar" -type f | head -1)" ]; then
	(cd "$root" && mvn -B -q install -DskipTests && mvn -B -q -f spark/pom.xml package -DskipTests)
fi
cp_file="$here/target/spark-classpath.txt"
if [ ! -f "$cp_file" ] || [ "$here/pom.xml" -nt "$cp_file" ]; then
	(cd "$root" && mvn -B -q -f spark/pom.xml dependency:build-classpath -Dmdep.includeScope=provided \
		-Dmdep.outputFile="$cp_file" >/dev/null)
fi
# the JVM options Spark needs on Java 17, from the one list in spark/pom.xml
opts="$(sed -n '/<spark.jvm.options>/,/<\/spark.jvm.options>/p' "$here/pom.xml" | sed 's/<[^>]*>//g' | tr -s ' \t\n' ' ')"
# shellcheck disable=SC2086
exec java $opts -Xmx"${SPARK_DRIVER_MEMORY:-2g}" -Djava.awt.headless=true \
	-Dspark.master="${SPARK_MASTER:-local[2]}" -Dspark.ui.enabled=false \
	-Dlog4j2.configurationFile="$here/log4j2-local.properties" \
	-cp "$jar:$(cat "$cp_file")" io.github.convolve2d.spark.SparkMain "$@"
