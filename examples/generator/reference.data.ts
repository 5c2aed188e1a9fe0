// Reference vocabularies for the demo generator. Order matters: the generator indexes these lists
// by hash, so reordering or editing an entry changes every generated file for a given seed.
// Lists are roughly ordered from common to rare because names are picked with a skew towards
// the front of the list.

export interface CountryInfo {
  code: string;
  name: string;
  dialCode: string;
  /** Digit dialled before the area code in national format ('' where none is used). */
  trunk: string;
  /** Digits in a national number without the trunk prefix (area code + subscriber). */
  nationalLength: number;
  currency: string;
  /** Relative share of persons living in this country. */
  weight: number;
  /** Where the house number goes in a street address. */
  streetStyle: 'number-first' | 'number-last' | 'number-last-comma';
  mobileAreas: string[];
  emailDomains: string[];
  streets: string[];
}

export interface CityInfo {
  country: string;
  name: string;
  areaCode: string;
  /** Leading characters of the postal code; the rest is generated per country pattern. */
  postalPrefix: string;
  /** Relative share of the country's persons living in this city. */
  weight: number;
}

// prettier-ignore
export const COUNTRIES: CountryInfo[] = [
  {
    code: 'US', name: 'United States', dialCode: '1', trunk: '', nationalLength: 10,
    currency: 'USD', weight: 35, streetStyle: 'number-first', mobileAreas: [],
    emailDomains: ['comcast.net', 'att.net', 'verizon.net', 'aol.com'],
    streets: [
      'Main Street', 'Oak Avenue', 'Maple Drive', 'Cedar Lane', 'Park Avenue', 'Elm Street',
      'Washington Street', 'Lake Shore Drive', 'Pine Street', 'Sunset Boulevard', 'Hillcrest Road',
      'Madison Avenue', 'Jefferson Street', 'Riverside Drive', 'Highland Avenue', 'Broadway',
    ],
  },
  {
    code: 'GB', name: 'United Kingdom', dialCode: '44', trunk: '0', nationalLength: 10,
    currency: 'GBP', weight: 25, streetStyle: 'number-first',
    mobileAreas: ['7700', '7911', '7824', '7453', '7380', '7519'],
    emailDomains: ['btinternet.com', 'sky.com', 'virginmedia.com', 'yahoo.co.uk'],
    streets: [
      'High Street', 'Station Road', 'Church Lane', 'Victoria Road', 'Green Lane', 'Manor Road',
      'Park Road', 'Queens Road', 'Mill Lane', 'Kings Road', 'The Crescent', 'Grange Road',
      'Albert Street', 'Chester Road', 'York Road', 'Springfield Avenue',
    ],
  },
  {
    code: 'DE', name: 'Germany', dialCode: '49', trunk: '0', nationalLength: 10,
    currency: 'EUR', weight: 15, streetStyle: 'number-last',
    mobileAreas: ['151', '160', '170', '171', '176', '157'],
    emailDomains: ['gmx.de', 'web.de', 't-online.de', 'freenet.de'],
    streets: [
      'Hauptstraße', 'Schulstraße', 'Gartenstraße', 'Bahnhofstraße', 'Dorfstraße', 'Bergstraße',
      'Birkenweg', 'Lindenstraße', 'Kirchstraße', 'Waldstraße', 'Ringstraße', 'Schillerstraße',
      'Goethestraße', 'Am Markt', 'Mozartstraße', 'Friedrichstraße',
    ],
  },
  {
    code: 'FR', name: 'France', dialCode: '33', trunk: '0', nationalLength: 9,
    currency: 'EUR', weight: 10, streetStyle: 'number-first', mobileAreas: ['6', '7'],
    emailDomains: ['orange.fr', 'free.fr', 'laposte.net', 'sfr.fr'],
    streets: [
      'rue de la République', 'rue Victor Hugo', 'avenue Jean Jaurès', 'rue Pasteur',
      'boulevard Gambetta', 'rue de la Paix', 'rue du Moulin', 'avenue de la Gare',
      'rue des Écoles', 'place de l’Église', 'rue Nationale', 'allée des Tilleuls',
    ],
  },
  {
    code: 'NL', name: 'Netherlands', dialCode: '31', trunk: '0', nationalLength: 9,
    currency: 'EUR', weight: 8, streetStyle: 'number-last', mobileAreas: ['6'],
    emailDomains: ['ziggo.nl', 'kpnmail.nl', 'xs4all.nl', 'hetnet.nl'],
    streets: [
      'Kerkstraat', 'Dorpsstraat', 'Schoolstraat', 'Molenweg', 'Julianastraat', 'Nieuwstraat',
      'Wilhelminastraat', 'Beatrixlaan', 'Prinsengracht', 'Stationsweg', 'Hoofdstraat', 'Parklaan',
    ],
  },
  {
    code: 'ES', name: 'Spain', dialCode: '34', trunk: '', nationalLength: 9,
    currency: 'EUR', weight: 7, streetStyle: 'number-last-comma',
    mobileAreas: ['600', '620', '655', '678', '690'],
    emailDomains: ['telefonica.net', 'movistar.es', 'yahoo.es', 'terra.es'],
    streets: [
      'Calle Mayor', 'Calle Real', 'Avenida de la Constitución', 'Plaza de España', 'Calle Nueva',
      'Calle del Sol', 'Paseo de Gracia', 'Gran Vía', 'Calle de Alcalá', 'Avenida Diagonal',
      'Calle San Juan', 'Calle Iglesia',
    ],
  },
];

// prettier-ignore
export const CITIES: CityInfo[] = [
  { country: 'US', name: 'New York', areaCode: '212', postalPrefix: '100', weight: 20 },
  { country: 'US', name: 'Los Angeles', areaCode: '213', postalPrefix: '900', weight: 14 },
  { country: 'US', name: 'Chicago', areaCode: '312', postalPrefix: '606', weight: 10 },
  { country: 'US', name: 'Houston', areaCode: '713', postalPrefix: '770', weight: 8 },
  { country: 'US', name: 'Phoenix', areaCode: '602', postalPrefix: '850', weight: 6 },
  { country: 'US', name: 'Philadelphia', areaCode: '215', postalPrefix: '191', weight: 6 },
  { country: 'US', name: 'San Antonio', areaCode: '210', postalPrefix: '782', weight: 5 },
  { country: 'US', name: 'San Diego', areaCode: '619', postalPrefix: '921', weight: 5 },
  { country: 'US', name: 'Dallas', areaCode: '214', postalPrefix: '752', weight: 5 },
  { country: 'US', name: 'San Jose', areaCode: '408', postalPrefix: '951', weight: 4 },
  { country: 'US', name: 'Austin', areaCode: '512', postalPrefix: '787', weight: 4 },
  { country: 'US', name: 'Seattle', areaCode: '206', postalPrefix: '981', weight: 5 },
  { country: 'US', name: 'Boston', areaCode: '617', postalPrefix: '021', weight: 5 },
  { country: 'US', name: 'Denver', areaCode: '303', postalPrefix: '802', weight: 3 },
  { country: 'GB', name: 'London', areaCode: '20', postalPrefix: 'SW', weight: 30 },
  { country: 'GB', name: 'Manchester', areaCode: '161', postalPrefix: 'M', weight: 9 },
  { country: 'GB', name: 'Birmingham', areaCode: '121', postalPrefix: 'B', weight: 10 },
  { country: 'GB', name: 'Leeds', areaCode: '113', postalPrefix: 'LS', weight: 7 },
  { country: 'GB', name: 'Glasgow', areaCode: '141', postalPrefix: 'G', weight: 7 },
  { country: 'GB', name: 'Liverpool', areaCode: '151', postalPrefix: 'L', weight: 6 },
  { country: 'GB', name: 'Bristol', areaCode: '117', postalPrefix: 'BS', weight: 6 },
  { country: 'GB', name: 'Edinburgh', areaCode: '131', postalPrefix: 'EH', weight: 6 },
  { country: 'GB', name: 'Sheffield', areaCode: '114', postalPrefix: 'S', weight: 5 },
  { country: 'GB', name: 'Cardiff', areaCode: '29', postalPrefix: 'CF', weight: 5 },
  { country: 'GB', name: 'Newcastle upon Tyne', areaCode: '191', postalPrefix: 'NE', weight: 5 },
  { country: 'GB', name: 'Nottingham', areaCode: '115', postalPrefix: 'NG', weight: 4 },
  { country: 'DE', name: 'Berlin', areaCode: '30', postalPrefix: '10', weight: 25 },
  { country: 'DE', name: 'Hamburg', areaCode: '40', postalPrefix: '20', weight: 14 },
  { country: 'DE', name: 'München', areaCode: '89', postalPrefix: '80', weight: 12 },
  { country: 'DE', name: 'Köln', areaCode: '221', postalPrefix: '50', weight: 9 },
  { country: 'DE', name: 'Frankfurt am Main', areaCode: '69', postalPrefix: '60', weight: 8 },
  { country: 'DE', name: 'Stuttgart', areaCode: '711', postalPrefix: '70', weight: 7 },
  { country: 'DE', name: 'Düsseldorf', areaCode: '211', postalPrefix: '40', weight: 7 },
  { country: 'DE', name: 'Leipzig', areaCode: '341', postalPrefix: '04', weight: 6 },
  { country: 'DE', name: 'Dortmund', areaCode: '231', postalPrefix: '44', weight: 6 },
  { country: 'DE', name: 'Bremen', areaCode: '421', postalPrefix: '28', weight: 6 },
  { country: 'FR', name: 'Paris', areaCode: '1', postalPrefix: '75', weight: 35 },
  { country: 'FR', name: 'Marseille', areaCode: '4', postalPrefix: '13', weight: 12 },
  { country: 'FR', name: 'Lyon', areaCode: '4', postalPrefix: '69', weight: 11 },
  { country: 'FR', name: 'Toulouse', areaCode: '5', postalPrefix: '31', weight: 9 },
  { country: 'FR', name: 'Nice', areaCode: '4', postalPrefix: '06', weight: 7 },
  { country: 'FR', name: 'Nantes', areaCode: '2', postalPrefix: '44', weight: 7 },
  { country: 'FR', name: 'Strasbourg', areaCode: '3', postalPrefix: '67', weight: 6 },
  { country: 'FR', name: 'Bordeaux', areaCode: '5', postalPrefix: '33', weight: 7 },
  { country: 'FR', name: 'Lille', areaCode: '3', postalPrefix: '59', weight: 6 },
  { country: 'NL', name: 'Amsterdam', areaCode: '20', postalPrefix: '10', weight: 30 },
  { country: 'NL', name: 'Rotterdam', areaCode: '10', postalPrefix: '30', weight: 20 },
  { country: 'NL', name: 'Den Haag', areaCode: '70', postalPrefix: '25', weight: 16 },
  { country: 'NL', name: 'Utrecht', areaCode: '30', postalPrefix: '35', weight: 12 },
  { country: 'NL', name: 'Eindhoven', areaCode: '40', postalPrefix: '56', weight: 8 },
  { country: 'NL', name: 'Groningen', areaCode: '50', postalPrefix: '97', weight: 6 },
  { country: 'NL', name: 'Tilburg', areaCode: '13', postalPrefix: '50', weight: 4 },
  { country: 'NL', name: 'Haarlem', areaCode: '23', postalPrefix: '20', weight: 4 },
  { country: 'ES', name: 'Madrid', areaCode: '91', postalPrefix: '28', weight: 32 },
  { country: 'ES', name: 'Barcelona', areaCode: '93', postalPrefix: '08', weight: 25 },
  { country: 'ES', name: 'Valencia', areaCode: '96', postalPrefix: '46', weight: 12 },
  { country: 'ES', name: 'Sevilla', areaCode: '95', postalPrefix: '41', weight: 10 },
  { country: 'ES', name: 'Zaragoza', areaCode: '976', postalPrefix: '50', weight: 8 },
  { country: 'ES', name: 'Málaga', areaCode: '952', postalPrefix: '29', weight: 7 },
  { country: 'ES', name: 'Bilbao', areaCode: '94', postalPrefix: '48', weight: 6 },
];

/** Free-mail providers shared by every country, with relative popularity. */
// prettier-ignore
export const GLOBAL_EMAIL_DOMAINS: ReadonlyArray<readonly [string, number]> = [
  ['gmail.com', 40], ['outlook.com', 12], ['hotmail.com', 12], ['yahoo.com', 10],
  ['icloud.com', 8], ['protonmail.com', 3], ['live.com', 4], ['mail.com', 2],
];
