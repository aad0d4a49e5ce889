import './register_gradients.browser.js';
