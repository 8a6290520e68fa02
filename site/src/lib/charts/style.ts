/**
 * Chart styles: one definition, served to pages as /charts.css and inlined into SVG downloads.
 * Colours: text ≥ 4.5:1 on white; RoB 2 traffic lights with a symbol each (+ − ×) for colour-blind
 * readers, as robvis draws them.
 */
export const CHART_CSS = `
.chart-svg{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;overflow:visible}
.chart-svg text{fill:#111827}
.chart-svg .hdr{font-weight:700}
.chart-svg .fav,.chart-svg .axlab{fill:#374151}
.chart-svg .num{font-variant-numeric:tabular-nums}
.chart-svg .axis{stroke:#374151;stroke-width:1}
.chart-svg .grid{stroke:#e5e7eb;stroke-width:1}
.chart-svg .zero{stroke:#6b7280;stroke-dasharray:3 3}
.chart-svg .sep{stroke:#d1d5db}
.chart-svg .ci{stroke:#111827;stroke-width:1.3}
.chart-svg .pt{fill:#111827}
.chart-svg .clip{fill:#111827}
.chart-svg .diamond{fill:#1d4ed8}
.chart-svg .pi{stroke:#1d4ed8;stroke-width:4;stroke-linecap:round;opacity:.45}
.chart-svg .pil{fill:#1e40af}
.chart-svg .band{fill:#93c5fd;fill-opacity:.45;stroke:none}
.chart-svg .line{stroke:#1d4ed8;stroke-width:2;fill:none}
.chart-svg .dot{fill:#1d4ed8}
.chart-svg .est{stroke:#b45309;stroke-width:1.5;stroke-dasharray:5 3}
.chart-svg .bub{fill:#1d4ed8;fill-opacity:.35;stroke:#1d4ed8}
.chart-svg .filled{fill:#fff;stroke:#111827;stroke-width:1.2}
.funnel .dot{fill:#111827}
.chart-svg .fns{fill:#ffffff;stroke:#9ca3af}
.chart-svg .f10{fill:#9ca3af}
.chart-svg .f05{fill:#c7ccd4}
.chart-svg .f01{fill:#e9ebee}
.chart-svg .bar{fill:#1d4ed8}
.chart-svg .rob-low{fill:#15803d}
.chart-svg .rob-some{fill:#facc15}
.chart-svg .rob-high{fill:#b91c1c}
.chart-svg .rob-none{fill:#e5e7eb;stroke:#6b7280}
.chart-svg .rob-mark-low,.chart-svg .rob-mark-high{fill:#fff;font-weight:700}
.chart-svg .rob-mark-some{fill:#111827;font-weight:700}
.chart-svg a text{fill:#1d4ed8;text-decoration:underline}
.chart-svg .sc-benefit{fill:#1d4ed8;stroke:#1d4ed8}
.chart-svg .sc-unclear{fill:#6b7280;stroke:#6b7280}
.chart-svg .sc-harm{fill:#b91c1c;stroke:#b91c1c}
.chart-svg .sc-ci{stroke-opacity:.45}
.chart-svg .sc-main{fill:#b45309}
.chart-svg .sc-band{fill:#f3f4f6}
.chart-svg .sc-mark{fill:#111827}
`;
