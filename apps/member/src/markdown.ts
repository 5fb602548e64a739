import MarkdownIt from 'markdown-it';

// html stays off (markdown-it's default): raw HTML in a body is shown as text, and its link check refuses
// javascript:, vbscript: and data: URLs, so an item's body cannot run script in the member center.
const md = new MarkdownIt({ linkify: true, breaks: true });

export const renderMarkdown = (text: string) => md.render(text);
