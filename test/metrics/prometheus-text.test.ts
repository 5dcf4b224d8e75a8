import { describe, expect, it } from "vitest";
import { parsePrometheusText, sampleValue } from "../helpers/prometheus-text.js";

describe("the strict Prometheus text parser used by the metrics tests", () => {
  it("reads families, labels with escapes, special values and histograms", () => {
    const families = parsePrometheusText(
      [
        "# HELP a_total Things",
        "# TYPE a_total counter",
        'a_total{x="q\\"uote",y="back\\\\slash"} 3',
        "# TYPE g gauge",
        "g NaN",
        "# TYPE h histogram",
        'h_bucket{le="0.1"} 1',
        'h_bucket{le="+Inf"} 2',
        "h_sum 0.3",
        "h_count 2",
        "",
      ].join("\n"),
    );
    expect(sampleValue(families, "a_total", { x: 'q"uote', y: "back\\slash" })).toBe(3);
    expect(sampleValue(families, "g")).toBeNaN();
    expect(families.get("h")?.samples).toHaveLength(4);
  });

  it("rejects what the format forbids", () => {
    expect(() => parsePrometheusText("a 1")).toThrow(/newline/);
    expect(() => parsePrometheusText("a one\n")).toThrow(/bad value/);
    expect(() => parsePrometheusText("a{x=1} 1\n")).toThrow(/not quoted/);
    expect(() => parsePrometheusText("a 1\na 2\n")).toThrow(/duplicate/);
    expect(() => parsePrometheusText('# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x="1"} 2\n')).toThrow(
      /contiguous/,
    );
    expect(() =>
      parsePrometheusText('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\n'),
    ).toThrow(/cumulative/);
    expect(() => parsePrometheusText('# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_count 2\n')).toThrow(
      /count/,
    );
  });
});
