/** Entry point of the web GUI. */
import { render } from 'preact';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { App } from './App.js';

const root = document.getElementById('app');
if (root !== null) render(<App />, root);
