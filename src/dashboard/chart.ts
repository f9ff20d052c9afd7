// Releases by country, from and to, as one horizontal bar chart (readable at 360 px), with the
// same figures as a table for keyboards and screen readers.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from "chart.js";
import { country, fill, h } from "./dom.js";
import type { CountryCount } from "./types.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export type CountryChart = { update(from: CountryCount[], to: CountryCount[]): void };

export function countryChart(canvas: HTMLCanvasElement, table: HTMLTableElement): CountryChart {
  const chart = new Chart<"bar", number[], string>(canvas, {
    type: "bar",
    data: { labels: [], datasets: [] },
    options: {
      indexAxis: "y",
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: "top" } },
    },
  });
  return {
    update(from, to) {
      const codes = [...new Set([...from, ...to].map((c) => c.country))];
      const count = (list: CountryCount[], code: string) => list.find((c) => c.country === code)?.count ?? 0;
      codes.sort((a, b) => count(from, b) + count(to, b) - (count(from, a) + count(to, a)) || a.localeCompare(b));
      const container = canvas.parentElement;
      if (container) container.style.height = `${80 + 26 * codes.length}px`;
      chart.data.labels = codes.map((code) => country(code));
      chart.data.datasets = [
        { label: "released by", data: codes.map((c) => count(from, c)), backgroundColor: "#b3452c" },
        { label: "released to", data: codes.map((c) => count(to, c)), backgroundColor: "#2c6db3" },
      ];
      chart.update();
      canvas.setAttribute(
        "aria-label",
        `Releases by country: ${codes.map((c) => `${country(c)} ${count(from, c)} released, ${count(to, c)} received`).join("; ")}`,
      );
      fill(
        table,
        h("caption", {}, "Releases by country"),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, "Country"),
            h("th", { scope: "col" }, "Released by"),
            h("th", { scope: "col" }, "Released to"),
          ),
        ),
        h(
          "tbody",
          {},
          codes.map((c) =>
            h("tr", {}, h("th", { scope: "row" }, country(c)), h("td", {}, count(from, c)), h("td", {}, count(to, c))),
          ),
        ),
      );
    },
  };
}
