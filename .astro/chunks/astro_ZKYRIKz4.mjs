import 'piccolore';
import 'html-escaper';
import 'clsx';
import './astro/server_BY88Wx4D.mjs';
