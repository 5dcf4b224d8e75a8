import { describe, expect, it } from "vitest";
import { prefersHtml } from "../../src/bridges/http/dashboard/negotiate.js";

describe("prefersHtml (who gets the dashboard at GET /)", () => {
  it.each([
    ["Chromium", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"],
    ["Firefox", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"],
    ["Safari", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"],
    ["HTML preferred over explicit JSON", "text/html, application/json;q=0.9"],
    ["spaces and upper case", " Text/HTML ; q=1 , */* ; q=0.1"],
  ])("gives browsers the page: %s", (_what, accept) => {
    expect(prefersHtml(accept)).toBe(true);
  });

  it.each([
    ["no header", undefined],
    ["empty header", ""],
    ["curl, aiohttp, requests", "*/*"],
    ["JSON", "application/json"],
    ["JSON and HTML tie: the API's contract wins", "application/json, text/html"],
    ["HTML refused", "text/html;q=0, */*"],
    ["HTML less wanted than anything", "text/html;q=0.1, */*"],
    ["text/* is not asking for the page by name", "text/*"],
    ["a malformed header", "garbage;;,"],
    ["an array (repeated header)", ["text/html"]],
  ])("keeps the JSON answer: %s", (_what, accept) => {
    expect(prefersHtml(accept as string | string[] | undefined)).toBe(false);
  });
});
