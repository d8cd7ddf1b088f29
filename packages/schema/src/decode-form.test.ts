import { describe, expect, it } from 'vitest';
import { decodeForm, listFieldName, toSearchParams } from './decode-form.js';

describe('decodeForm', () => {
  it('groups values by field name, with list suffixes taken off', () => {
    const fields = decodeForm('user%5B%5D=Alice&user[]=Bob&user[7]=Eve&event=newCall&x=1&x=2');
    expect(Object.fromEntries(fields)).toEqual({
      user: { values: ['Alice', 'Bob', 'Eve'], list: true },
      event: { values: ['newCall'], list: false },
      x: { values: ['1', '2'], list: false },
    });
  });

  it('marks a field as a list when any of its values came with brackets', () => {
    expect(decodeForm('tag=a&tag[]=b').get('tag')).toEqual({ values: ['a', 'b'], list: true });
  });

  it('keeps empty values (decodeEvent decides what they mean)', () => {
    expect(decodeForm('user%5B%5D=&dtmf=').get('user')).toEqual({ values: [''], list: true });
    expect(decodeForm('user%5B%5D=&dtmf=').get('dtmf')).toEqual({ values: [''], list: false });
  });

  it('takes off only a trailing [] or [digits]', () => {
    expect([...decodeForm('a[b]=1&c[]x=2&d[][]=3&e[12]=4').keys()]).toEqual([
      'a[b]',
      'c[]x',
      'd[]',
      'e',
    ]);
  });

  it('decodes + as space, percent-escapes and UTF-8, from text and bytes', () => {
    const body = 'name=J%C3%BCrgen+M%C3%BCller&raw=日本';
    const expected = { values: ['Jürgen Müller'], list: false };
    expect(decodeForm(body).get('name')).toEqual(expected);
    expect(decodeForm(Buffer.from(body)).get('name')).toEqual(expected);
    expect(decodeForm(Buffer.from(body)).get('raw')).toEqual({ values: ['日本'], list: false });
  });
});

describe('listFieldName', () => {
  it.each([
    ['user[]', 'user'],
    ['user[0]', 'user'],
    ['user[12]', 'user'],
    ['user', undefined],
    ['user[x]', undefined],
    [']', undefined],
    ['[]', ''],
  ])('listFieldName(%j) is %j', (key, name) => {
    expect(listFieldName(key)).toBe(name);
  });

  it('keeps the body order of values within a field', () => {
    expect(decodeForm('b=1&a[]=2&b=3').get('b')).toEqual({ values: ['1', '3'], list: false });
  });
});

describe('toSearchParams', () => {
  it('passes URLSearchParams through as they are', () => {
    const params = new URLSearchParams('a=1');
    expect(toSearchParams(params)).toBe(params);
  });
});
